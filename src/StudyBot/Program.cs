using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StudyBot.Hosting;

// appsettings.json is copied next to the binary, so the bot reads it wherever it is started from.
// The slim builder: Kestrel without HTTPS and HTTP/3 (TLS ends at the proxy in front, deploy/),
// console logging only; the native build is smaller and starts with less memory.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddStudyBot();
await using var host = builder.Build();

if (ImportCommandLine.Matches(args))
{
    return await ImportCommandLine.RunAsync(host, args, Console.Out, Console.Error);
}

try
{
    // Settings are checked before anything starts, so a bad one is one line, not a stack trace.
    host.Services.GetRequiredService<IStartupValidator>().Validate();
}
catch (OptionsValidationException e)
{
    Console.Error.WriteLine($"StudyBot cannot start: {string.Join("; ", e.Failures)}");
    return 1;
}

host.MapStudyBot();
await host.RunAsync();
return 0;

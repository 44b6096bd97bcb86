using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StudyBot.Hosting;

// The console is Program's alone (the banned-API list keeps everything else on ILogger).
#pragma warning disable RS0030

// appsettings.json is copied next to the binary, so the bot reads it wherever it is started from.
var builder = StudyBotServices.CreateHostBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
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

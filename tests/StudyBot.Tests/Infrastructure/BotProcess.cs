using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace StudyBot.Tests.Infrastructure;

// The built bot run as its own process on a test world's database and fake Telegram, for tests
// that kill it (no shutdown code runs), run several instances at once or run the native build. Its output is kept, so a
// test can wait for a line and a failure shows what the process said.
public sealed class BotProcess : IDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    /// <param name="executable">A native build of the bot to run; without it, the build the tests run on, by dotnet.</param>
    public BotProcess(TestWorld world, string name, IReadOnlyDictionary<string, string>? settings = null, string? executable = null)
    {
        Url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo(executable ?? "dotnet", executable is null ? [TestWorld.BuiltBotPath] : [])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = world.Folder,
        };
        start.Environment["Telegram__BotToken"] = world.Api.Token;
        start.Environment["Telegram__ApiBaseUrl"] = world.Api.BaseUrl;
        start.Environment["Telegram__PollTimeoutSeconds"] = "2";
        start.Environment["Telegram__EnforceLimits"] = "true";
        world.UseDatabase(start);
        start.Environment["Bot__AdminIds__0"] = TestWorld.AdminId.ToString(CultureInfo.InvariantCulture);
        start.Environment["Bot__SweepIntervalSeconds"] = "1";
        start.Environment["ASPNETCORE_URLS"] = Url;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__StudyBot.Hosting.Leadership"] = "Information";
        start.Environment["Logging__LogLevel__Quartz.Impl.DefaultSchedulerFactory"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Keep(name, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(name, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Url { get; }

    public List<string> LinesContaining(string text) => lines.Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();

    public async Task WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (LinesContaining(text).Count == 0)
        {
            if (deadline.Elapsed > timeout || process.HasExited)
            {
                throw new TimeoutException($"No line with '{text}'. Output:\n{string.Join('\n', lines)}");
            }

            await Task.Delay(100);
        }
    }

    // As a crash: no shutdown code runs, the database session simply ends.
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit(30_000);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            Kill();
        }

        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Keep(string name, string? line)
    {
        if (line is not null)
        {
            lines.Enqueue($"[{name}] {line}");
        }
    }
}

using System.Diagnostics;

namespace StudyBot.Tests.Infrastructure;

// The bot compiled ahead of time, as `dotnet publish -c Release -r linux-x64 src/StudyBot` makes it
// (a few minutes; it needs clang, which .ci/run installs). Published once per test assembly into
// its own folder; the two test assemblies run at the same time and share the bot's obj folder, so
// one publishes while the other waits for the lock and then finds the native code up to date.
public sealed class NativeBuild : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(15);

    public string Executable { get; } = Path.Combine(AppContext.BaseDirectory, "native-bot", "StudyBot");

    public async Task InitializeAsync()
    {
        var builtBot = TestWorld.BuiltBotPath;
        var project = builtBot[..builtBot.IndexOf(Path.Combine("StudyBot", "bin"), StringComparison.Ordinal)] + "StudyBot";
        await using var publishing = await LockAsync(Path.Combine(project, "obj", "native-publish.lock"));
        var start = new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", Path.GetDirectoryName(Executable)!, "-nodeReuse:false"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // The test host's own MSBuild settings would steer the inner build.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Not left running past the lock: the other assembly's publish would build over it.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish took longer than {PublishTimeout}");
        }

        if (process.ExitCode != 0 || !File.Exists(Executable))
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{await output}\n{await errors}");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<FileStream> LockAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (deadline.Elapsed < PublishTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}

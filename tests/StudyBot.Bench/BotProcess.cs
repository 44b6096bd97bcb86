using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace StudyBot.Bench;

// Extra: further settings (environment variable name -> value), applied last, so they may also
// replace the bench's own (the dashboard scenario's fixed HTTP port, for one).
internal sealed record BotSettings(string ApiBaseUrl, BenchDatabase Database, bool EnforceLimits, long? AdminId = null, int MaxMessagesPerSecond = 30, IReadOnlyDictionary<string, string>? Extra = null);

internal enum BotBuild
{
    Jit,
    Native,
}

// The built bot as a child process, configured only through its environment, with its peak memory
// (VmHWM) sampled while it runs: the Release build run by `dotnet`, or with --bot native the
// ahead-of-time compiled executable that `dotnet publish` makes.
// (Over 300 lines: starting, configuring, watching and sampling one process belong together; the
// samples' own types live in their files.)
internal sealed class BotProcess : IAsyncDisposable
{
    private const int KeptLogLines = 40;

    // Bots still running, killed if the bench itself is stopped (Ctrl+C) so none is left behind.
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly Process process;
    private readonly ConcurrentQueue<string> firstLogLines = new();
    private readonly CancellationTokenSource stopSampling = new();
    private readonly Task sampler;
    private long peakMemoryKb;
    private readonly Lock sampleGate = new();
    private MemorySample? largestSample;
    private int logLines;
    private int problemLines;

    static BotProcess()
    {
        Console.CancelKeyPress += (_, _) => KillAll();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    private BotProcess(Process process)
    {
        this.process = process;
        Running[process.Id] = process;
        process.OutputDataReceived += (_, e) => OnLogLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLogLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        sampler = Task.Run(SampleMemoryAsync);
    }

    public CpuSample SampleCpu()
    {
        process.Refresh();
        return CpuSample.Take(process.HasExited ? TimeSpan.Zero : process.TotalProcessorTime);
    }

    public long PeakMemoryBytes
    {
        get
        {
            SampleMemory();
            return Interlocked.Read(ref peakMemoryKb) * 1024;
        }
    }

    // The resident memory at the largest sample, by kind: mapped files (the runtime, framework and
    // package code it runs), anonymous (GC heap, native heap, stacks) and shared memory (on Linux the
    // runtime's double-mapped JIT code and stubs).
    public string? PeakComposition
    {
        get
        {
            lock (sampleGate)
            {
                return largestSample is { } sample
                    ? $"{Report.Mb(sample.FileKb * 1024)} mapped files, {Report.Mb(sample.AnonKb * 1024)} anonymous, {Report.Mb(sample.SharedKb * 1024)} JIT code and runtime stubs (shared)"
                    : null;
            }
        }
    }

    // VmRSS now: what the bot holds at this moment (at rest, say), not its peak.
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..^3].Trim(), CultureInfo.InvariantCulture) * 1024;
    }

    // VmHWM once the bot polled for the first time: its footprint before any load.
    public long? StartupPeakBytes { get; private set; }

    // Lines the bot wrote (it runs at Warning level, so each is a warning, an error or a stack line).
    public int LogLines => Volatile.Read(ref logLines);
    public int ProblemLines => Volatile.Read(ref problemLines);
    public IEnumerable<string> FirstLogLines => firstLogLines;

    // For profiling: the bot then waits for a tracer on this diagnostic port (see README.md).
    private static string? TracePort => Environment.GetEnvironmentVariable("STUDYBOT_BENCH_TRACE_PORT");

    // The tracer ends its session on its own timer; a bot killed first leaves a trace without method names.
    private static readonly TimeSpan TracerGrace = TimeSpan.FromSeconds(15);

    public static BotBuild Build { get; set; } = BotBuild.Jit;

    public static string BuiltBotPath => Build == BotBuild.Native
        ? Path.Combine(RepositoryRoot.Path, "src", "StudyBot", "bin", "Release", "net10.0", "linux-x64", "publish", "StudyBot")
        : Path.Combine(RepositoryRoot.Path, "src", "StudyBot", "bin", "Release", "net10.0", "StudyBot.dll");

    public static string BuildCommand => Build == BotBuild.Native
        ? "dotnet publish -c Release -r linux-x64 src/StudyBot"
        : "dotnet build -c Release src/StudyBot";

    public static BotProcess Start(BotSettings settings, string workingDirectory)
    {
        var bot = BuiltBotPath;
        if (!File.Exists(bot))
        {
            throw new BenchFailure($"The bot is not built: {bot} is missing. Run `{BuildCommand}` from {RepositoryRoot.Path} first.");
        }

        var start = new ProcessStartInfo(Build == BotBuild.Native ? bot : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Build == BotBuild.Jit)
        {
            start.ArgumentList.Add(bot);
        }

        // Nothing from the bench's own environment may configure the bot behind its back.
        foreach (var key in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        var environment = start.Environment;
        environment["DOTNET_ENVIRONMENT"] = "Production";
        environment["Telegram__BotToken"] = FakeTelegram.Token;
        environment["Telegram__ApiBaseUrl"] = settings.ApiBaseUrl;
        environment["Telegram__EnforceLimits"] = settings.EnforceLimits ? "true" : "false";
        environment["Telegram__MaxMessagesPerSecond"] = settings.MaxMessagesPerSecond.ToString(CultureInfo.InvariantCulture);
        environment["Telegram__PollTimeoutSeconds"] = "5";
        foreach (var (key, value) in settings.Database.BotEnvironment)
        {
            environment[key] = value;
        }

        environment["Logging__LogLevel__Default"] = "Warning";
        if (TracePort is { } port)
        {
            environment["DOTNET_DiagnosticPorts"] = port;
        }

        // The bot's own endpoints (webhook, /healthz, /metrics) are not measured: a free loopback port,
        // so a bench never fails on a port another bot on this machine holds (its default is 0.0.0.0:8080).
        environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        if (settings.AdminId is { } admin)
        {
            environment["Bot__AdminIds__0"] = admin.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in settings.Extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new BenchFailure($"Could not start the bot ({start.FileName})");
        return new BotProcess(process);
    }

    // Starts the bot and returns once it polls, that is once its migrations ran and it is listening.
    public static async Task<BotProcess> StartPollingAsync(FakeTelegram fake, BotSettings settings, string workingDirectory)
    {
        var polled = fake.NextPoll;
        var bot = Start(settings, workingDirectory);
        await bot.WaitAsync(polled, TimeSpan.FromSeconds(60), "the bot's first getUpdates");
        bot.StartupPeakBytes = bot.PeakMemoryBytes;
        return bot;
    }

    // Waits for `task`, failing loudly on timeout or when the bot exits meanwhile.
    public async Task WaitAsync(Task task, TimeSpan timeout, string what)
    {
        if (!await TryWaitAsync(task, timeout, what))
        {
            throw new BenchFailure($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what}");
        }
    }

    /// <returns>false on timeout, so the caller can report what did arrive; throws when the bot exits.</returns>
    public async Task<bool> TryWaitAsync(Task task, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!task.IsCompleted)
        {
            ThrowIfExited(what);
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.WhenAny(task, Task.Delay(100));
        }

        await task;
        return true;
    }

    public void ThrowIfExited(string what)
    {
        if (process.HasExited)
        {
            throw new BenchFailure($"The bot exited (code {process.ExitCode}) while the bench waited for {what}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (TracePort is not null)
        {
            await Task.Delay(TracerGrace);
        }

        SampleMemory();
        await stopSampling.CancelAsync();
        await sampler;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        Running.TryRemove(process.Id, out _);
        process.Dispose();
        stopSampling.Dispose();
    }

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
        }
    }

    private void OnLogLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (Interlocked.Increment(ref logLines) <= KeptLogLines)
        {
            firstLogLines.Enqueue(line);
        }

        if (line.Contains(" warn: ", StringComparison.Ordinal) || line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref problemLines);
        }
    }

    private async Task SampleMemoryAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(stopSampling.Token))
            {
                SampleMemory();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by DisposeAsync.
        }
    }

    // VmHWM is the kernel's own high-water mark of resident memory, so no peak between samples is lost.
    // What the resident memory was made of is kept from the sample with the most of it.
    private void SampleMemory()
    {
        try
        {
            var fields = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line.EndsWith(" kB", StringComparison.Ordinal))
                {
                    fields[line[..colon]] = long.Parse(line[(colon + 1)..^3].Trim(), CultureInfo.InvariantCulture);
                }
            }

            if (fields.TryGetValue("VmHWM", out var hwm) && hwm > Interlocked.Read(ref peakMemoryKb))
            {
                Interlocked.Exchange(ref peakMemoryKb, hwm);
            }

            if (fields.TryGetValue("VmRSS", out var rss))
            {
                // Sampled by the timer and by readers of the figures at once; resident memory also shrinks.
                lock (sampleGate)
                {
                    if (rss > (largestSample?.RssKb ?? 0))
                    {
                        largestSample = new MemorySample(rss, fields.GetValueOrDefault("RssFile"), fields.GetValueOrDefault("RssAnon"), fields.GetValueOrDefault("RssShmem"));
                    }
                }
            }
        }
        catch (IOException)
        {
            // The process has exited.
        }
        catch (UnauthorizedAccessException)
        {
            // The process has exited and its pid is gone.
        }
    }
}

internal sealed record MemorySample(long RssKb, long FileKb, long AnonKb, long SharedKb);

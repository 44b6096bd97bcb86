using System.Diagnostics;

namespace StudyBot.Bench;

internal static class Scenarios
{
    // Where the CPU went while the figures were measured: the bot, the bench with its fake, and
    // anything else on the machine (other builds or tests), which the bot then had to share cores with.
    public static void AddCpuFigures(Report report, CpuSample from, CpuSample to, string name = "CPU while measured")
    {
        var wall = Stopwatch.GetElapsedTime(from.At, to.At);
        var (bot, bench) = (to.Bot - from.Bot, to.Bench - from.Bench);
        var others = to.Machine - from.Machine - bot - bench;
        var capacity = wall * Environment.ProcessorCount;
        var botPart = bot > TimeSpan.Zero ? $"bot {bot.TotalSeconds:F1} s, " : "";
        report.Figure(name, $"{botPart}bench+fake {bench.TotalSeconds:F1} s, other processes {Math.Max(0, others.TotalSeconds):F1} s, of {capacity.TotalSeconds:F1} s ({Environment.ProcessorCount} cores x {wall.TotalSeconds:F1} s)");
        if (others > capacity * 0.1)
        {
            report.Note($"WARNING: other processes took {others / capacity:P0} of the CPU while this was measured: the machine was shared, so the figures are pessimistic.");
        }
    }

    // What every scenario reports about the bot process and the fake besides its own figures.
    public static void AddBotFigures(Report report, BotProcess bot, FakeTelegram fake, int? memoryTargetMb)
    {
        var peak = bot.PeakMemoryBytes;
        var startup = bot.StartupPeakBytes is { } atStart ? $" ({Report.Mb(atStart)} once started, before any load)" : "";
        report.Figure("bot peak memory (VmHWM)", Report.Mb(peak) + startup, memoryTargetMb is { } mb ? $"< {mb} MB" : "", memoryTargetMb is { } limit ? peak < limit * 1024L * 1024L : null);
        if (bot.PeakComposition is { } composition)
        {
            report.Figure("bot memory at its largest sample", composition);
        }

        report.Figure("fake API requests", Report.Number(fake.Requests));
        if (fake.UnknownMethods.Count > 0)
        {
            report.Check("methods not faked", false, string.Join(", ", fake.UnknownMethods.Select(p => $"{p.Key} x{p.Value}")));
        }

        report.Figure("bot log lines (Warning+)", $"{bot.LogLines:N0} ({bot.ProblemLines:N0} warn/fail/crit)");
        foreach (var line in bot.FirstLogLines)
        {
            report.Note(line);
        }
    }
}

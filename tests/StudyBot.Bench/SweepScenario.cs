using System.Diagnostics;
using System.Globalization;

namespace StudyBot.Bench;

// N active learners, all due a minute ago, seeded straight into the database; the bot starts and its
// sweep claims a delivery (plus an outbox row) for each. Only the claiming is measured: the bench
// counts rows in `deliveries` from outside and stops the bot when all N are there.
internal static class SweepScenario
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    // Three sweep intervals (20 s each) without a single new claim: the bot is not going to finish.
    private static readonly TimeSpan MaxStall = TimeSpan.FromSeconds(60);

    public static async Task<Report> RunAsync(int learners)
    {
        var report = new Report($"sweep: {learners:N0} learners all due, limits on (30 msg/s)");
        var sent = 0;
        await using var fake = await FakeTelegram.StartAsync(TimeSpan.Zero, enforceLimits: true);
        fake.Observer = message => Interlocked.Increment(ref sent);
        using var database = BenchDatabase.Create();
        var settings = new BotSettings(fake.BaseUrl, database, EnforceLimits: true);

        await using (await BotProcess.StartPollingAsync(fake, settings, database.Folder))
        {
        }

        var (dueUtc, deliveryTime) = DueAMinuteAgo();
        var seedSeconds = database.SeedLearners(learners, dueUtc, deliveryTime);
        Console.WriteLine($"  seeded {learners:N0} learners due at {dueUtc:HH:mm} UTC ({deliveryTime} Asia/Shanghai) in {seedSeconds:F1} s; starting the bot");

        await using var bot = BotProcess.Start(settings, database.Folder);
        var cpuBefore = bot.SampleCpu();
        var startedAt = cpuBefore.At;
        long claims = 0;
        long firstSeenAt = 0;
        long allSeenAt = 0;
        var lastChangeAt = startedAt;
        string? stopped = null;
        using (var timer = new PeriodicTimer(PollEvery))
        {
            while (true)
            {
                bot.ThrowIfExited("the sweep's claims");
                var count = database.Count("SELECT COUNT(*) FROM deliveries");
                var now = Stopwatch.GetTimestamp();
                if (count != claims)
                {
                    (claims, lastChangeAt) = (count, now);
                }

                if (claims > 0 && firstSeenAt == 0)
                {
                    firstSeenAt = now;
                }

                if (claims >= learners)
                {
                    allSeenAt = now;
                    break;
                }

                if (Stopwatch.GetElapsedTime(startedAt) > MaxWait)
                {
                    stopped = $"after {MaxWait.TotalMinutes:F0} min";
                    break;
                }

                if (Stopwatch.GetElapsedTime(lastChangeAt) > MaxStall)
                {
                    stopped = $"no new claim for {MaxStall.TotalSeconds:F0} s (after {Stopwatch.GetElapsedTime(startedAt).TotalSeconds:F0} s)";
                    break;
                }

                await timer.WaitForNextTickAsync();
            }
        }

        var cpuAfter = bot.SampleCpu();
        var outboxRows = database.Count("SELECT COUNT(*) FROM outbox");
        var firstClaim = database.Instant("SELECT MIN(claimed_utc) FROM deliveries");
        var lastClaim = database.Instant("SELECT MAX(claimed_utc) FROM deliveries");

        if (stopped is not null)
        {
            report.Fail($"{stopped}: only {claims:N0} of {learners:N0} deliveries were claimed");
        }

        var observedSeconds = firstSeenAt == 0 ? double.NaN : Stopwatch.GetElapsedTime(firstSeenAt, allSeenAt == 0 ? Stopwatch.GetTimestamp() : allSeenAt).TotalSeconds;
        var rate = firstSeenAt == 0 ? 0 : claims / observedSeconds;
        report.Check("deliveries claimed", claims == learners, $"{claims:N0} of {learners:N0}");
        report.Check("outbox rows = deliveries", outboxRows == claims, $"{outboxRows:N0}");
        report.Figure("claims/s (observed every 250 ms)", Report.Number(rate), ">= 20,000", rate >= 20_000);
        report.Figure("first -> last claim observed", $"{observedSeconds:F1} s");
        if (firstClaim is { } first && lastClaim is { } last && last > first)
        {
            report.Figure("claims/s (claimed_utc span)", $"{Report.Number(claims / (last - first).TotalSeconds)} over {(last - first).TotalSeconds:F1} s (batch start times, so the last batch is not in the span)");
        }

        report.Figure("bot start -> first claim seen", firstSeenAt == 0 ? "no claim seen" : $"{Stopwatch.GetElapsedTime(startedAt, firstSeenAt).TotalSeconds:F1} s");
        report.Figure("prompts sent meanwhile", $"{Volatile.Read(ref sent):N0} (429s: {fake.TooManyRequests:N0})");
        report.Figure("delivery lag at 30 msg/s", $"{learners:N0}/30 s = {learners / 30.0 / 3600:F1} h");
        report.Figure("delivery lag at 1000 msg/s (paid)", $"{learners:N0}/1000 s = {learners / 1000.0 / 60:F1} min");
        report.Figure("seeding", $"{learners:N0} learners in {seedSeconds:F1} s");
        Scenarios.AddCpuFigures(report, cpuBefore, cpuAfter);
        Scenarios.AddBotFigures(report, bot, fake, memoryTargetMb: 200);
        return report;
    }

    // The bot delivers to a due learner only once the learner's own delivery time has come that local
    // day (DeliverySchedule.PlanForDue); before it, it only moves next_delivery_utc to that time. So
    // each row's delivery time is the Shanghai time of day of its due instant, the slot that just
    // passed, or every learner would be skipped whenever it is not yet 08:00 in Shanghai.
    private static (DateTime DueUtc, string DeliveryTime) DueAMinuteAgo()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var now = DateTime.UtcNow;
        var due = now.AddMinutes(-1);
        due = new DateTime(due.Year, due.Month, due.Day, due.Hour, due.Minute, 0, DateTimeKind.Utc);
        var local = TimeZoneInfo.ConvertTimeFromUtc(due, shanghai);
        var today = TimeZoneInfo.ConvertTimeFromUtc(now, shanghai).Date;
        if (local.Date != today)
        {
            // Just after local midnight: today's 00:00 is the slot that passed.
            local = today;
            due = TimeZoneInfo.ConvertTimeToUtc(local, shanghai);
        }

        return (due, local.ToString("HH:mm", CultureInfo.InvariantCulture));
    }
}

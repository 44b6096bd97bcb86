using System.Diagnostics;
using System.Globalization;

namespace StudyBot.Bench;

// The daily sweep with study groups: N learners in G groups, each group with its own study days
// (every day, mon-fri, or mon,wed,fri), course dates, calendar exceptions and time zone, its
// members mostly in the group's zone; all learners due a minute ago. Only learners whose group has
// a delivery on their own local today may be claimed; the others are only moved on. The bench works
// out who that is by itself (GroupCalendar below, not the bot's code) and checks the bot claimed
// exactly them. Measured like `sweep`: claims/s from the first claim seen to the last expected one.
internal static class GroupSweepScenario
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxStall = TimeSpan.FromSeconds(60);

    // Zones around the world, so local todays differ (some members are a day ahead of others) and
    // a group's weekday mask is read on different weekdays at once; half-hour and 45-minute offsets
    // included. A zone within LocalMidnightMargin of its local midnight is left out of a run, so no
    // learner's local today changes between the seeding and the claims.
    private static readonly string[] Zones =
    [
        "Asia/Shanghai", "Asia/Tokyo", "Asia/Kolkata", "Asia/Kathmandu", "Europe/Berlin", "Europe/London",
        "Africa/Nairobi", "America/New_York", "America/Los_Angeles", "America/Sao_Paulo", "Australia/Sydney", "Pacific/Auckland",
    ];

    private static readonly TimeSpan LocalMidnightMargin = TimeSpan.FromMinutes(30);

    public static async Task<Report> RunAsync(int learners, int groups)
    {
        var report = new Report($"groupsweep: {learners:N0} learners in {groups:N0} groups all due, limits on (30 msg/s)");
        var sent = 0;
        await using var fake = await FakeTelegram.StartAsync(TimeSpan.Zero, enforceLimits: true);
        fake.Observer = message => Interlocked.Increment(ref sent);
        using var database = BenchDatabase.Create();
        var settings = new BotSettings(fake.BaseUrl, database, EnforceLimits: true);

        // The schema and the shipped packs, which the groups' courses use.
        await using (await BotProcess.StartPollingAsync(fake, settings, database.Folder))
        {
        }

        var nowUtc = DateTime.UtcNow;
        var dueUtc = new DateTime(nowUtc.Year, nowUtc.Month, nowUtc.Day, nowUtc.Hour, nowUtc.Minute, 0, DateTimeKind.Utc).AddMinutes(-1);
        var zones = Zones.Select(TimeZoneInfo.FindSystemTimeZoneById).Where(zone => !NearLocalMidnight(zone, nowUtc)).ToArray();
        var world = GroupWorld.Generate(learners, groups, zones, dueUtc);
        var seedSeconds = world.Seed(database);
        var expected = world.Expected.Count;
        Console.WriteLine($"  seeded {groups:N0} groups ({world.CalendarDays:N0} calendar exceptions) and {learners:N0} learners in {zones.Length} zones, due at {dueUtc:HH:mm} UTC, in {seedSeconds:F1} s; {expected:N0} have a delivery today; starting the bot");

        await using var bot = BotProcess.Start(settings, database.Folder);
        var cpuBefore = bot.SampleCpu();
        var startedAt = cpuBefore.At;
        var dueText = dueUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        long claims = 0;
        long stillDue = learners;
        long firstSeenAt = 0;
        long allSeenAt = 0;
        var lastChangeAt = startedAt;
        CpuSample? cpuAtAllClaims = null;
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

                if (claims >= expected && allSeenAt == 0)
                {
                    allSeenAt = now;
                    cpuAtAllClaims = bot.SampleCpu();
                }

                // Who is still due is read only once the claims stop coming: a count over the due
                // index competes with the bot for the cores.
                if (claims >= expected || Stopwatch.GetElapsedTime(lastChangeAt) > TimeSpan.FromSeconds(2))
                {
                    var due = database.Count($"SELECT COUNT(*) FROM learners WHERE next_delivery_utc <= {Literal(database, dueText)}");
                    if (due != stillDue)
                    {
                        (stillDue, lastChangeAt) = (due, now);
                    }

                    if (due == 0)
                    {
                        break;
                    }
                }

                if (Stopwatch.GetElapsedTime(startedAt) > MaxWait)
                {
                    stopped = $"after {MaxWait.TotalMinutes:F0} min";
                    break;
                }

                if (Stopwatch.GetElapsedTime(lastChangeAt) > MaxStall)
                {
                    stopped = $"no new claim and no learner moved on for {MaxStall.TotalSeconds:F0} s (after {Stopwatch.GetElapsedTime(startedAt).TotalSeconds:F0} s)";
                    break;
                }

                await timer.WaitForNextTickAsync();
            }
        }

        var cpuAfter = bot.SampleCpu();
        var claimed = database.Query<long>("SELECT chat_id FROM deliveries").ToHashSet();
        var missing = world.Expected.Count(id => !claimed.Contains(id));
        var unexpected = claimed.Count(id => !world.Expected.Contains(id));
        var outboxRows = database.Count("SELECT COUNT(*) FROM outbox WHERE delivery_id IS NOT NULL");
        var digests = database.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'digest'");

        if (stopped is not null)
        {
            report.Fail($"{stopped}: {claims:N0} of {expected:N0} deliveries claimed, {stillDue:N0} learners still due");
        }

        report.Check("deliveries claimed = learners with a delivery today", claimed.Count == expected && claims == expected, $"{claims:N0} of {expected:N0} expected ({learners - expected:N0} learners have none today)");
        report.Check("claimed exactly the expected learners", missing == 0 && unexpected == 0, $"{missing:N0} missing, {unexpected:N0} not expected");
        report.Check("every learner moved on to a later time", stillDue == 0, $"{stillDue:N0} still due");
        report.Check("outbox prompt rows = deliveries", outboxRows == claims, $"{outboxRows:N0}");
        var observedSeconds = firstSeenAt == 0 ? double.NaN : Stopwatch.GetElapsedTime(firstSeenAt, allSeenAt == 0 ? Stopwatch.GetTimestamp() : allSeenAt).TotalSeconds;
        var rate = firstSeenAt == 0 ? 0 : Math.Min(claims, expected) / observedSeconds;
        report.Figure("claims/s (observed every 250 ms)", Report.Number(rate), ">= 20,000", rate >= 20_000);
        report.Figure("first -> last claim observed", $"{observedSeconds:F1} s");
        report.Figure("bot start -> first claim seen", firstSeenAt == 0 ? "no claim seen" : $"{Stopwatch.GetElapsedTime(startedAt, firstSeenAt).TotalSeconds:F1} s");
        report.Figure("bot start -> every learner moved on", $"{Stopwatch.GetElapsedTime(startedAt, cpuAfter.At).TotalSeconds:F1} s");
        report.Figure("the mix", world.Describe());
        report.Figure("prompts sent meanwhile", $"{Volatile.Read(ref sent):N0} (429s: {fake.TooManyRequests:N0})");

        // The same job sends the weekly digests: where it is already Monday, learners get one too.
        report.Figure("weekly digests queued meanwhile", $"{digests:N0}");
        report.Figure("seeding", $"{groups:N0} groups, {learners:N0} learners in {seedSeconds:F1} s");
        Scenarios.AddCpuFigures(report, cpuBefore, cpuAtAllClaims ?? cpuAfter, "CPU until the last claim");
        Scenarios.AddBotFigures(report, bot, fake, memoryTargetMb: 200);
        return report;
    }

    private static string Literal(BenchDatabase database, string instant) =>
        database.IsPostgres ? $"'{instant}+00'::timestamptz" : $"'{instant}'";

    private static bool NearLocalMidnight(TimeZoneInfo zone, DateTime nowUtc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(nowUtc, zone).TimeOfDay;
        return local < TimeSpan.FromMinutes(5) || local > TimeSpan.FromDays(1) - LocalMidnightMargin;
    }
}

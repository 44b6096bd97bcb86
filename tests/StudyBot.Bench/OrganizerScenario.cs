using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using StudyBot.Configuration;
using StudyBot.Data;
using StudyBot.Groups;
using StudyBot.Stats;

namespace StudyBot.Bench;

// An organizer's reads on a deployment with months of history: /stats, /members page 1 and the
// group's daily completion, each for a group drawn at random, timed in this process through the
// bot's own store classes on the bot's own Database (its connection pools, prepared statements and
// type handlers), so no Telegram round trip or chart drawing is in the figures. The plans of the
// statements are printed as the database chose them.
internal static class OrganizerScenario
{
    private const double TargetMs = 50;

    public static async Task<Report> RunAsync(int learners, int groups, int days, int runs)
    {
        var report = new Report($"organizer: {learners:N0} learners in {groups:N0} groups, {days} days of history, {runs} runs of each query");
        using var database = BenchDatabase.Create();
        var options = new DatabaseOptions
        {
            Provider = database.IsPostgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite,
            ConnectionString = database.BotEnvironment["Database__ConnectionString"],
        };
        await using var bot = new Database(Microsoft.Extensions.Options.Options.Create(options));
        await new MigrationRunner(bot, TimeProvider.System, NullLogger<MigrationRunner>.Instance).ApplyPendingAsync(CancellationToken.None);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Console.WriteLine($"  seeding {learners:N0} learners in {groups:N0} groups with {days} days of history ({(long)learners * days:N0} deliveries)");
        var seeded = OrganizerHistory.Seed(database, learners, groups, days, today);
        Console.WriteLine($"  seeded {seeded.Deliveries:N0} deliveries and {seeded.Reflections:N0} reflections in {seeded.Seconds:F0} s; timing");

        var stats = new StatsStore(bot);
        var members = new MemberStore(bot, TimeProvider.System);
        var from = today.AddDays(1 - StatsCommand.ChartDays);
        var timings = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var random = new Random(14);
        long Group() => 2 + random.Next(groups);

        // A few rounds first, not counted: the first calls prepare the statements and fill caches.
        var cpuBefore = CpuSample.Take(TimeSpan.Zero);
        for (var run = -Math.Min(20, runs); run < runs; run++)
        {
            var record = run >= 0;

            var group = Group();
            var subscribers = await TimeAsync(timings, record, "/stats: CountSubscribersAsync", () => stats.CountSubscribersAsync(group, CancellationToken.None));
            var byDay = await TimeAsync(timings, record, "/stats: CountByDayAsync (30 days)", () => stats.CountByDayAsync(group, from, today, CancellationToken.None));
            Add(timings, record, "/stats (both)", "/stats: CountSubscribersAsync", "/stats: CountByDayAsync (30 days)");

            group = Group();
            var total = await TimeAsync(timings, record, "/members: CountAsync", () => members.CountAsync(group, CancellationToken.None));
            var page = await TimeAsync(timings, record, "/members: PageAsync (page 1)", () => members.PageAsync(group, 0, MembersCommand.PageSize, today, CancellationToken.None));
            var answered = await TimeAsync(timings, record, "/members: AnsweredDatesAsync (the page's)", () => members.AnsweredDatesAsync([.. page.Select(p => p.ChatId)], CancellationToken.None));
            Add(timings, record, "/members page 1 (all three)", "/members: CountAsync", "/members: PageAsync (page 1)", "/members: AnsweredDatesAsync (the page's)");

            group = Group();
            var completion = await TimeAsync(timings, record, "daily completion: CountByDayAsync (30 days)", () => stats.CountByDayAsync(group, from, today, CancellationToken.None));

            if (run == 0 && (subscribers.Total == 0 || byDay.Count == 0 || total == 0 || page.Count == 0 || answered.Count == 0 || completion.Count == 0))
            {
                report.Check("the queries find the seeded rows", false, $"subscribers {subscribers.Total}, days {byDay.Count}, members {total}, page {page.Count}, answered {answered.Count}, completion {completion.Count}");
            }
        }

        var cpuAfter = CpuSample.Take(TimeSpan.Zero);

        foreach (var (name, values) in timings)
        {
            var sorted = values.Order().ToArray();
            var (p50, p99) = (Percentiles.Of(sorted, 50), Percentiles.Of(sorted, 99));
            var judged = name.Contains("(both)", StringComparison.Ordinal) || name.Contains("(all three)", StringComparison.Ordinal) || name.StartsWith("daily", StringComparison.Ordinal);
            report.Figure(name, string.Create(CultureInfo.InvariantCulture, $"p50 {p50:F2} ms, p99 {p99:F2} ms, max {sorted[^1]:F2} ms"), judged ? $"p99 < {TargetMs} ms" : "", judged ? p99 < TargetMs : null);
        }

        report.Figure("history", $"{seeded.Members:N0} learners, {seeded.Deliveries:N0} deliveries, {seeded.Reflections:N0} reflections ({100.0 * seeded.Reflections / Math.Max(1, seeded.Deliveries):F0} per 100 deliveries), seeded in {seeded.Seconds:F0} s");
        Scenarios.AddCpuFigures(report, cpuBefore, cpuAfter, "CPU while timed");

        var sample = new
        {
            GroupId = 2L + groups / 2,
            Active = "active",
            Paused = "paused",
            From = Day(from, database),
            To = Day(today, database),
            Today = Day(today, database),
            Limit = MembersCommand.PageSize,
            Offset = 0,
        };
        var pageIds = (await members.PageAsync(sample.GroupId, 0, MembersCommand.PageSize, today, CancellationToken.None)).Select(p => p.ChatId).ToList();
        var scans = new List<string>();
        foreach (var (name, sql) in new[]
        {
            ("StatsStore.CountSubscribersAsync (a group)", StatsStore.GroupSubscribersSql),
            ("StatsStore.CountByDayAsync (a group)", StatsStore.GroupByDaySql),
            ("MemberStore.CountAsync", MemberStore.CountSql),
            ("MemberStore.PageAsync", MemberStore.PageSql),
            ("MemberStore.AnsweredDatesAsync", MemberStore.AnsweredDatesSql(pageIds)),
        })
        {
            var plan = database.Plan(sql, sample);
            Console.WriteLine($"  plan of {name}:");
            foreach (var line in plan)
            {
                Console.WriteLine($"    {line}");
            }

            if (HasFullScan(plan))
            {
                scans.Add(name);
            }
        }

        report.Figure("plans (printed above)", scans.Count == 0 ? "indexes only, no full scan" : $"full scan in {string.Join(", ", scans)}", "no full scan", scans.Count == 0);
        return report;
    }

    // A whole table or index read: PostgreSQL's "Seq Scan", SQLite's "SCAN x" (with or without an
    // index). SQLite also says SCAN for reading a subquery's own result (its CO-ROUTINE or
    // MATERIALIZE step, named in the plan) and a constant row: those read no table.
    private static bool HasFullScan(IReadOnlyList<string> plan)
    {
        var subqueries = plan.Select(line => line.Trim())
            .Where(line => line.StartsWith("CO-ROUTINE ", StringComparison.Ordinal) || line.StartsWith("MATERIALIZE ", StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..])
            .ToHashSet(StringComparer.Ordinal);
        return plan.Select(line => line.Trim()).Any(line =>
            line.Contains("Seq Scan", StringComparison.Ordinal)
            || (line.StartsWith("SCAN ", StringComparison.Ordinal) && !line.StartsWith("SCAN CONSTANT ROW", StringComparison.Ordinal) && !subqueries.Contains(line[5..].Split(' ')[0])));
    }

    private static object Day(DateOnly day, BenchDatabase database) =>
        database.IsPostgres ? day : day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<T> TimeAsync<T>(Dictionary<string, List<double>> timings, bool record, string name, Func<Task<T>> query)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await query();
        if (record)
        {
            Timings(timings, name).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return result;
    }

    // A command's time: the sum of its statements' last timings.
    private static void Add(Dictionary<string, List<double>> timings, bool record, string name, params string[] parts)
    {
        if (record)
        {
            Timings(timings, name).Add(parts.Sum(part => timings[part][^1]));
        }
    }

    private static List<double> Timings(Dictionary<string, List<double>> timings, string name)
    {
        if (!timings.TryGetValue(name, out var list))
        {
            timings[name] = list = [];
        }

        return list;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace StudyBot.Bench;

// The linked chats' wall post and weekly digest for G groups at the same minute: every group is
// linked to a chat of its own, has its wall, points and leaderboard on, and its walltime is the
// current minute in its zone; each has 10 members with a week of deliveries, answers, points and
// four featured reflections today. The bot is started and the bench waits until every chat has its
// wall and (where it is Sunday) its digest, under Telegram's limits as the fake enforces them
// (30 sends/s overall, 20 a minute per group chat). The digest goes out on the group's Sunday, so
// the groups get zones where it is Sunday now: possible from Saturday 10:00 to Monday 11:30 UTC;
// at other times only the walls are measured (and the run says so).
internal static class GroupChatsScenario
{
    private const int MembersPerGroup = 10;
    private const long FirstChatId = -1_000_000_000_000;

    private static readonly string[] Zones =
    [
        "Pacific/Kiritimati", "Pacific/Auckland", "Australia/Sydney", "Asia/Tokyo", "Asia/Shanghai", "Asia/Kolkata",
        "Europe/Berlin", "Europe/London", "Atlantic/Azores", "America/Sao_Paulo", "America/New_York", "America/Chicago",
        "America/Denver", "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "Pacific/Pago_Pago",
    ];

    private static readonly string ReflectionText = new('r', 200);

    public static async Task<Report> RunAsync(int groups)
    {
        var nowUtc = DateTime.UtcNow;
        var minute = new DateTime(nowUtc.Year, nowUtc.Month, nowUtc.Day, nowUtc.Hour, nowUtc.Minute, 0, DateTimeKind.Utc);
        var usable = Zones.Select(TimeZoneInfo.FindSystemTimeZoneById).Where(zone => FarFromMidnight(zone, minute)).ToList();
        var sundays = usable.Where(zone => GroupWorld.LocalDate(minute, zone).DayOfWeek == DayOfWeek.Sunday).ToList();
        var withDigest = sundays.Count > 0;
        var zones = withDigest ? sundays : usable;
        var report = new Report($"groupchats: the wall{(withDigest ? " and the weekly digest" : "")} of {groups:N0} linked groups at the same minute, limits on (30 msg/s, 20/min a group)");

        var walls = new ConcurrentDictionary<long, long>();
        var digests = new ConcurrentDictionary<long, long>();
        var extra = 0;
        var privateSends = 0;
        await using var fake = await FakeTelegram.StartAsync(TimeSpan.Zero, enforceLimits: true);
        fake.Observer = message =>
        {
            if (message.Action != BotAction.Send)
            {
                return;
            }

            if (message.ChatId >= 0)
            {
                Interlocked.Increment(ref privateSends);
                return;
            }

            var seen = message.Text.Contains("本周回顾", StringComparison.Ordinal) || message.Text.StartsWith("The week of", StringComparison.Ordinal) ? digests : walls;
            if (!seen.TryAdd(message.ChatId, message.At))
            {
                Interlocked.Increment(ref extra);
            }
        };
        using var database = BenchDatabase.Create();
        var settings = new BotSettings(fake.BaseUrl, database, EnforceLimits: true);

        // The schema and the shipped packs, which the groups' courses use.
        await using (await BotProcess.StartPollingAsync(fake, settings, database.Folder))
        {
        }

        var seedSeconds = Seed(database, groups, zones, minute);
        Console.WriteLine($"  seeded {groups:N0} linked groups in {zones.Count} zones{(withDigest ? " where it is Sunday" : "")}, walltime {minute:HH:mm} UTC, {groups * MembersPerGroup:N0} members with a week of history, in {seedSeconds:F1} s; starting the bot");
        if (!withDigest)
        {
            report.Check("the digest measured", false, "it is Sunday in none of the zones now: run between Saturday 10:00 and Monday 11:30 UTC");
        }

        var expected = groups * (withDigest ? 2 : 1);
        await using var bot = BotProcess.Start(settings, database.Folder);
        var cpuBefore = bot.SampleCpu();
        var startedAt = cpuBefore.At;
        var timeout = TimeSpan.FromSeconds(120 + expected / 20.0);
        var all = Task.Run(async () =>
        {
            while (walls.Count + (withDigest ? digests.Count : 0) < expected)
            {
                await Task.Delay(100);
            }
        });
        var done = await bot.TryWaitAsync(all, timeout, "every chat's posts");
        var cpuAfter = bot.SampleCpu();

        report.Check("every chat got its wall, once", walls.Count == groups, $"{walls.Count:N0} of {groups:N0}");
        if (withDigest)
        {
            report.Check("every chat got its digest, once", digests.Count == groups, $"{digests.Count:N0} of {groups:N0}");
        }

        report.Check("no chat got a post twice", extra == 0, $"{extra} more");
        report.Figure("private messages meanwhile", $"{privateSends:N0}");
        if (!done)
        {
            report.Fail($"timed out after {timeout.TotalSeconds:F0} s");
        }

        var times = walls.Values.Concat(digests.Values).Order().ToList();
        if (times.Count > 0)
        {
            var spread = Stopwatch.GetElapsedTime(times[0], times[^1]).TotalSeconds;
            report.Figure("bot started -> first post", $"{Stopwatch.GetElapsedTime(startedAt, times[0]).TotalSeconds:F1} s");
            report.Figure("spread, first post -> last", $"{spread:F1} s for {times.Count:N0} posts ({(times.Count - 1) / Math.Max(spread, 0.001):F1} msg/s; 30 msg/s at most)");
            if (withDigest)
            {
                var lastWall = walls.Values.Max();
                report.Figure("last wall, last digest", $"{Stopwatch.GetElapsedTime(times[0], lastWall).TotalSeconds:F1} s, {Stopwatch.GetElapsedTime(times[0], digests.Values.Max()).TotalSeconds:F1} s after the first post");
            }
        }

        report.Figure("429 answered", $"{fake.TooManyRequests} (group limit {fake.GroupLimitRefusals}, global {fake.GlobalLimitRefusals})", "0", fake.TooManyRequests == 0);
        report.Figure("seeding", $"{seedSeconds:F1} s");
        Scenarios.AddCpuFigures(report, cpuBefore, cpuAfter);
        Scenarios.AddBotFigures(report, bot, fake, memoryTargetMb: null);
        return report;
    }

    // Groups 2..G+1 round the zones, each linked to chat FirstChatId - id; a week of deliveries for
    // every member (today in the group's zone the last day), about two in three answered, each
    // answer 2 points, and today the answers of members 0-3 of each group shared and featured.
    // The members' own weekly digests are off: at Sunday evening they would be due in the same
    // minute (10,000 private messages sharing the 30 msg/s), which is not what this measures.
    private static double Seed(BenchDatabase database, int groups, List<TimeZoneInfo> zones, DateTime minute)
    {
        var started = Stopwatch.GetTimestamp();
        var zoneOf = (int id) => zones[id % zones.Count];
        database.InsertRows(
            "study_groups",
            ["id", "name", "join_code", "organizer_code", "organizer_code_expires_utc", "language", "delivery_time", "time_zone", "start_date", "study_days",
             "points", "leaderboard", "wall", "wall_time", "linked_chat_id", "linked_chat_title", "created_utc"],
            Enumerable.Range(2, groups).Select(id =>
            {
                var zone = zoneOf(id);
                var local = TimeZoneInfo.ConvertTimeFromUtc(minute, zone);
                return new object?[]
                {
                    (long)id, $"Group {id}", $"j{id}", $"o{id}", minute.AddDays(7), id % 3 == 0 ? "en" : "zh-CN", "08:00", zone.Id,
                    GroupWorld.LocalDate(minute, zone).AddDays(-30), 127, 1, 1, 1, local.ToString("HH:mm", CultureInfo.InvariantCulture),
                    FirstChatId - id, $"Chat {id}", minute.AddDays(-40),
                };
            }));
        database.InsertRows(
            "learners",
            ["chat_id", "display_name", "language", "time_zone", "delivery_time", "status", "next_delivery_utc", "subscribed_utc", "updated_utc", "group_id", "joined_utc", "digest_enabled"],
            Enumerable.Range(2, groups).SelectMany(id => Enumerable.Range(0, MembersPerGroup).Select(k => new object?[]
            {
                (long)id * 100 + k, $"Member {id}-{k}", id % 3 == 0 ? "en" : "zh-CN", zoneOf(id).Id, "08:00", "active",
                minute.AddDays(1), minute.AddDays(-40), minute.AddDays(-40), (long)id, minute.AddDays(-40), 0,
            })));

        // Every zone here has the same local date (Sunday everywhere, or the wall-only fallback's
        // dates within a day): a week ending on the first zone's today covers every group's days.
        var today = GroupWorld.LocalDate(minute, zones[0]);
        var postgres = database.IsPostgres;
        var date = postgres ? "CAST(@Date AS date)" : "@Date";
        var at = postgres ? "CAST(@At AS timestamptz)" : "@At";
        var deliveries = $"""
            INSERT INTO deliveries (chat_id, local_date, theme, quote, source, prompt, intention, claimed_utc, sent_utc, message_id, attempts, group_id)
            SELECT l.chat_id, {date}, 'theme', 'quote', 'source', 'prompt', 0, {at}, {at}, l.chat_id * 10 + @Day, 1, l.group_id
            FROM learners l WHERE l.group_id >= 2
            ORDER BY l.chat_id
            """;
        var reflections = $"""
            INSERT INTO reflections (chat_id, message_id, delivery_id, text, created_utc, updated_utc, group_id, shared_utc, featured_utc)
            SELECT d.chat_id, d.id, d.id, @Text, {at}, {at}, d.group_id,
                   CASE WHEN @Last = 1 AND d.chat_id % 100 < 4 THEN {at} ELSE NULL END,
                   CASE WHEN @Last = 1 AND d.chat_id % 100 < 4 THEN {at} ELSE NULL END
            FROM deliveries d
            WHERE d.local_date = {date} AND ((d.chat_id + @Day) % 3 <> 0 OR d.chat_id % 100 < 4)
            ORDER BY d.id
            """;
        for (var day = 0; day < 7; day++)
        {
            var local = today.AddDays(day - 6);
            var instant = local.ToDateTime(TimeOnly.MinValue).ToString(postgres ? "yyyy-MM-dd HH:mm:ss'+00'" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var parameters = new { Date = local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), At = instant, Day = day, Last = day == 6 ? 1 : 0, Text = ReflectionText };
            database.Execute(deliveries, parameters);
            database.Execute(reflections, parameters);
        }

        database.Execute("""
            INSERT INTO points (chat_id, group_id, local_date, reason, points, created_utc)
            SELECT r.chat_id, r.group_id, d.local_date, 'day', 2, r.created_utc
            FROM reflections r JOIN deliveries d ON d.id = r.delivery_id
            """);
        database.AnalyzeIfPostgres("study_groups", "learners", "deliveries", "reflections", "points");
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    // Between 00:05 and 23:30 local time: the walltime (this minute) is a valid HH:MM today, and the
    // local day does not end during the run.
    private static bool FarFromMidnight(TimeZoneInfo zone, DateTime utc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone).TimeOfDay;
        return local >= TimeSpan.FromMinutes(5) && local <= TimeSpan.FromHours(23.5);
    }
}

using System.Diagnostics;
using System.Globalization;

namespace StudyBot.Bench;

// The organizer scenario's database: groups, their members and months of daily history, as a
// deployment that has run that long would have it. Groups and learners are drawn here (fixed seed);
// the deliveries and reflections are made by the database itself, one statement per day and
// table, in the order the daily sweep and the answers would have written them.
internal static class OrganizerHistory
{
    // Delivery texts as long as the shipped packs' (bytes, on average): a delivery keeps its own
    // copy of the item, so the table is as wide as the bot's.
    private static readonly string Theme = new('t', 8);
    private static readonly string Quote = new('q', 100);
    private static readonly string Source = new('s', 30);
    private static readonly string Prompt = new('p', 110);
    private static readonly string ReflectionText = new('r', 120);

    public sealed record Seeded(long Deliveries, long Reflections, long Members, double Seconds);

    // Every learner has one delivery a day for `days` days ending today (learners who switched
    // groups `days / 3` days ago left their earlier days in the group before); 1 % of them failed
    // (never sent). Each learner answers a share of their prompts drawn once per learner (0-100 %,
    // about half on average), and one answered day in ten has a second reflection.
    public static Seeded Seed(BenchDatabase database, int learners, int groups, int days, DateOnly today)
    {
        var started = Stopwatch.GetTimestamp();
        var random = new Random(14);
        var now = DateTime.UtcNow;
        var zones = new[] { "Asia/Shanghai", "Europe/Berlin", "America/New_York" };
        database.InsertRows(
            "study_groups",
            ["id", "name", "join_code", "organizer_code", "organizer_code_expires_utc", "language", "delivery_time", "time_zone", "start_date", "study_days", "created_utc"],
            Enumerable.Range(2, groups).Select(id => new object?[]
            {
                (long)id, $"Group {id}", $"j{id}", $"o{id}", now.AddDays(7), id % 3 == 0 ? "en" : "zh-CN", "08:00", zones[id % zones.Length],
                today.AddDays(-days - (id % 30)), 127, now.AddDays(-days - 30),
            }));

        var statuses = new long[learners + 1];
        database.InsertRows(
            "learners",
            ["chat_id", "display_name", "language", "time_zone", "delivery_time", "status", "next_delivery_utc", "subscribed_utc", "updated_utc", "group_id", "joined_utc"],
            Enumerable.Range(1, learners).Select(id =>
            {
                var group = 2 + random.Next(groups);
                var status = random.NextDouble() switch
                {
                    < 0.90 => "active",
                    < 0.95 => "paused",
                    _ => "stopped",
                };
                var joined = now.AddDays(-days - 1);
                return new object?[]
                {
                    (long)id, $"Learner {random.Next(1_000_000):D6}", group % 3 == 0 ? "en" : "zh-CN", zones[group % zones.Length], "08:00", status,
                    status == "active" ? now.AddDays(1) : null, joined, joined, (long)group, joined,
                };
            }));

        var postgres = database.IsPostgres;
        var date = postgres ? "CAST(@Date AS date)" : "@Date";
        var claimed = postgres ? "CAST(@Claimed AS timestamptz)" : "@Claimed";
        var sent = postgres ? "CAST(@Sent AS timestamptz)" : "@Sent";
        var answered = postgres ? "CAST(@Answered AS timestamptz)" : "@Answered";
        var deliveries = $"""
            INSERT INTO deliveries (chat_id, local_date, theme, quote, source, prompt, intention, claimed_utc, sent_utc, message_id, attempts, failure, group_id)
            SELECT l.chat_id, {date}, @Theme, @Quote, @Source, @Prompt, 0, {claimed},
                   CASE WHEN (l.chat_id * 31 + @Day) % 100 = 0 THEN NULL ELSE {sent} END,
                   l.chat_id * 1000 + @Day, 1,
                   CASE WHEN (l.chat_id * 31 + @Day) % 100 = 0 THEN 'Forbidden' ELSE NULL END,
                   CASE WHEN l.chat_id % 50 = 0 AND @Day < @MovedOn THEN ((l.group_id - 1) % @Groups) + 2 ELSE l.group_id END
            FROM learners l
            ORDER BY l.chat_id
            """;
        var reflections = $"""
            INSERT INTO reflections (chat_id, message_id, delivery_id, text, created_utc, updated_utc, group_id)
            SELECT d.chat_id, d.id * 2 + k.n, d.id, @Text, {answered}, {answered}, d.group_id
            FROM deliveries d
            JOIN (SELECT 0 AS n UNION ALL SELECT 1) k ON k.n = 0 OR (d.chat_id + @Day) % 10 = 0
            WHERE d.local_date = {date} AND d.sent_utc IS NOT NULL
              AND (d.chat_id * 7919 + @Day * 104729) % 100 < (d.chat_id * 37) % 101
            ORDER BY d.id, k.n
            """;
        long deliveryRows = 0;
        long reflectionRows = 0;
        for (var day = 0; day < days; day++)
        {
            var local = today.AddDays(day - days + 1);
            var parameters = new
            {
                Date = local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Claimed = Instant(local, 0, postgres),
                Sent = Instant(local, 1, postgres),
                Answered = Instant(local, 12, postgres),
                Day = day,
                MovedOn = days - days / 3,
                Groups = groups,
                Theme,
                Quote,
                Source,
                Prompt,
                Text = ReflectionText,
            };
            deliveryRows += database.Execute(deliveries, parameters);
            reflectionRows += database.Execute(reflections, parameters);
            if ((day + 1) % 10 == 0)
            {
                Console.WriteLine($"  ... {day + 1} of {days} days: {deliveryRows:N0} deliveries, {reflectionRows:N0} reflections ({Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s)");
            }
        }

        database.AnalyzeIfPostgres("study_groups", "learners", "deliveries", "reflections");

        // The seeding's gigabytes go to the database files now, not while the reads are timed.
        database.Execute(postgres ? "CHECKPOINT" : "PRAGMA wal_checkpoint(TRUNCATE)");
        return new Seeded(deliveryRows, reflectionRows, learners, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    // Instants as the bot stores them: SQLite text in its handler's format, PostgreSQL timestamptz.
    private static string Instant(DateOnly day, int hour, bool postgres) =>
        day.ToDateTime(new TimeOnly(hour, 0)).ToString(postgres ? "yyyy-MM-dd HH:mm:ss'+00'" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}

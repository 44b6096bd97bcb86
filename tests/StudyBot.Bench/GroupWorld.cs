using System.Globalization;

namespace StudyBot.Bench;

// The groups and learners of the groupsweep scenario, drawn from a fixed seed around today, and who
// of them has a delivery today by the rules of the spec (study days, course start and end, calendar
// exceptions, each learner's own local date), worked out here rather than read from the bot.
internal sealed class GroupWorld
{
    private const int EveryDay = 0b111_1111;
    private const int MondayToFriday = 0b011_1110;
    private const int MondayWednesdayFriday = 0b010_1010;

    private readonly List<BenchGroup> groups = [];
    private readonly List<BenchLearner> learners = [];

    private GroupWorld(DateTime dueUtc) => DueUtc = dueUtc;

    public DateTime DueUtc { get; }

    // The learners whose group has a delivery on their local today: exactly these must be claimed.
    public HashSet<long> Expected { get; } = [];

    public int CalendarDays => groups.Sum(g => g.Exceptions.Count);

    public static GroupWorld Generate(int learnerCount, int groupCount, IReadOnlyList<TimeZoneInfo> zones, DateTime dueUtc)
    {
        var random = new Random(14);
        var world = new GroupWorld(dueUtc);
        for (var i = 0; i < groupCount; i++)
        {
            var zone = zones[random.Next(zones.Count)];
            var today = LocalDate(dueUtc, zone);
            var mask = random.NextDouble() switch
            {
                < 0.50 => EveryDay,
                < 0.85 => MondayToFriday,
                _ => MondayWednesdayFriday,
            };
            DateOnly? start = today.AddDays(-random.Next(0, 181));
            DateOnly? end = null;
            switch (random.NextDouble())
            {
                case < 0.03:
                    start = today.AddDays(random.Next(1, 31));
                    break;
                case < 0.06:
                    start = null;
                    break;
                case < 0.09:
                    end = today.AddDays(-random.Next(1, 31));
                    start = end.Value.AddDays(-random.Next(30, 181));
                    break;
                case < 0.14:
                    end = today.AddDays(random.Next(0, 61));
                    break;
            }

            var exceptions = new Dictionary<DateOnly, bool>();
            switch (random.NextDouble())
            {
                case < 0.04:
                    exceptions[today] = false;
                    break;
                case < 0.08:
                    exceptions[today] = true;
                    break;
            }

            if (random.NextDouble() < 0.3)
            {
                for (var k = 0; k < 2; k++)
                {
                    var day = today.AddDays(random.Next(1, 21) * (random.Next(2) == 0 ? -1 : 1));
                    exceptions[day] = !Includes(mask, day);
                }
            }

            var language = random.NextDouble() < 0.7 ? "zh-CN" : "en";
            var pack = random.NextDouble() < 0.2 ? (language == "en" ? "classics-en" : "classics-zh") : null;
            world.groups.Add(new BenchGroup(i + 2, zone, language, mask, start, end, exceptions, pack));
        }

        for (long chatId = 1; chatId <= learnerCount; chatId++)
        {
            var group = world.groups[random.Next(groupCount)];
            var zone = random.NextDouble() < 0.85 ? group.Zone : zones[random.Next(zones.Count)];
            var language = random.NextDouble() < 0.95 ? group.Language : (group.Language == "en" ? "zh-CN" : "en");
            world.learners.Add(new BenchLearner(chatId, group, zone, language));
            if (group.HasDelivery(LocalDate(dueUtc, zone)))
            {
                world.Expected.Add(chatId);
            }
        }

        return world;
    }

    /// <returns>Seconds the seeding took.</returns>
    public double Seed(BenchDatabase database)
    {
        var now = DateTime.UtcNow;
        var seconds = database.InsertRows(
            "study_groups",
            ["id", "name", "join_code", "organizer_code", "organizer_code_expires_utc", "language", "delivery_time", "time_zone", "pack_name", "start_date", "end_date", "study_days", "created_utc"],
            groups.Select(g => new object?[] { g.Id, $"Group {g.Id}", $"j{g.Id}", $"o{g.Id}", now.AddDays(7), g.Language, "08:00", g.Zone.Id, g.Pack, g.Start, g.End, g.StudyDays, now }));
        seconds += database.InsertRows(
            "calendar_days",
            ["group_id", "day", "kind", "note"],
            groups.SelectMany(g => g.Exceptions.Select(e => new object?[] { g.Id, e.Key, e.Value ? "study" : "off", "" })));
        seconds += database.InsertRows(
            "learners",
            ["chat_id", "display_name", "language", "time_zone", "delivery_time", "status", "next_delivery_utc", "subscribed_utc", "updated_utc", "group_id", "joined_utc"],
            learners.Select(l => new object?[]
            {
                l.ChatId, $"Learner {l.ChatId}", l.Language, l.Zone.Id, LocalTimeOfDay(DueUtc, l.Zone), "active", DueUtc, now, now, l.Group.Id, now,
            }));
        database.AnalyzeIfPostgres("study_groups", "calendar_days", "learners");
        return seconds;
    }

    public string Describe()
    {
        var masks = groups.GroupBy(g => g.StudyDays).ToDictionary(g => g.Key, g => g.Count());
        var today = groups.Select(g => (Group: g, Today: LocalDate(DueUtc, g.Zone))).ToList();
        var notStarted = today.Count(x => x.Group.Start > x.Today);
        var ended = today.Count(x => x.Group.End < x.Today);
        var offToday = today.Count(x => x.Group.Exceptions.TryGetValue(x.Today, out var study) && !study);
        var studyToday = today.Count(x => x.Group.Exceptions.TryGetValue(x.Today, out var study) && study);
        var elsewhere = learners.Count(l => l.Zone != l.Group.Zone);
        return string.Create(CultureInfo.InvariantCulture, $"groups: {masks.GetValueOrDefault(EveryDay):N0} every day, {masks.GetValueOrDefault(MondayToFriday):N0} mon-fri, {masks.GetValueOrDefault(MondayWednesdayFriday):N0} mon,wed,fri; {notStarted:N0} not started, {ended:N0} ended; {offToday:N0} off today, {studyToday:N0} make-up today; {100.0 * elsewhere / Math.Max(1, learners.Count):F0}% of learners in another zone than their group's");
    }

    internal static DateOnly LocalDate(DateTime utc, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, zone));

    private static string LocalTimeOfDay(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, zone).ToString("HH:mm", CultureInfo.InvariantCulture);

    private static bool Includes(int mask, DateOnly day) => (mask & (1 << (int)day.DayOfWeek)) != 0;

    private sealed record BenchGroup(long Id, TimeZoneInfo Zone, string Language, int StudyDays, DateOnly? Start, DateOnly? End, Dictionary<DateOnly, bool> Exceptions, string? Pack)
    {
        // A delivery on a study day within the course; an exception overrides the weekday.
        public bool HasDelivery(DateOnly day) =>
            (Start is null || day >= Start) && (End is null || day <= End)
            && (Exceptions.TryGetValue(day, out var study) ? study : Includes(StudyDays, day));
    }

    private sealed record BenchLearner(long ChatId, BenchGroup Group, TimeZoneInfo Zone, string Language);
}

using System.Globalization;
using System.Text;
using StudyBot.Learners;
using StudyBot.Localization;

namespace StudyBot.Groups;

// The keys of /groupset: read, checked and applied to a copy of the group, all or nothing.
internal static class GroupSettings
{
    public static readonly IReadOnlyList<string> Keys =
        ["name", "language", "time", "zone", "pack", "start", "end", "days", "makeup", "points", "leaderboard", "wall", "walltime", "reminder"];

    public const int MaxNameLength = 64;

    // `key=value` pairs separated by spaces; a value with spaces is written in quotes: name="Branch 3".
    public static List<string> Split(string arguments)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in arguments)
        {
            if (c is '"' or '“' or '”')
            {
                quoted = !quoted;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (current.Length > 0)
                {
                    parts.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            parts.Add(current.ToString());
        }

        return parts;
    }

    /// <returns>The changed copy, or the problems (each naming its key and value) and no copy.</returns>
    public static (StudyGroup? Changed, List<string> Problems) Apply(StudyGroup group, IEnumerable<string> pairs, Func<string, bool> packExists, Texts texts, string language)
    {
        var changed = group.Copy();
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problems.Add(texts.Get(language, "GroupSetNotPair", TextCut.Echo(pair)));
                continue;
            }

            var key = pair[..equals].Trim().ToLowerInvariant();
            var value = pair[(equals + 1)..].Trim();
            if (!Keys.Contains(key))
            {
                problems.Add(texts.Get(language, "GroupSetUnknownKey", TextCut.Echo(key)));
                continue;
            }

            if (!seen.Add(key))
            {
                problems.Add(texts.Get(language, "GroupSetTwice", key));
                continue;
            }

            if (!TrySet(changed, key, value, packExists))
            {
                var expected = key is "points" or "leaderboard" or "wall" ? "onoff" : key;
                problems.Add(texts.Get(language, "GroupSetBadValue", key, TextCut.Echo(value), texts.Get(language, "GroupSetExpect_" + expected)));
            }
        }

        // Checked once every pair is applied: the start it must not precede may be set in the same call.
        if (seen.Contains("end") && changed.EndDate is { } end && changed.StartDate is { } start && end < start)
        {
            problems.Add(texts.Get(language, "GroupSetBadValue", "end", IsoDate.Format(end), texts.Get(language, "GroupSetExpect_end")));
        }

        return problems.Count == 0 ? (changed, problems) : (null, problems);
    }

    private static bool TrySet(StudyGroup group, string key, string value, Func<string, bool> packExists)
    {
        switch (key)
        {
            case "name":
                return value.Length is >= 1 and <= MaxNameLength && Set(() => group.Name = value);
            case "language":
                return Languages.Normalize(value) is { } canonical && Set(() => group.Language = canonical);
            case "time":
                return TimeOfDay.TryParse(value, out var time) && Set(() => group.DeliveryTime = TimeOfDay.Format(time));
            case "zone":
                return TimeZones.TryFind(value, out var zone) && Set(() => group.TimeZone = zone.Id);
            case "pack":
                return value.Length > 0 && packExists(value) && Set(() => group.PackName = value);
            case "start":
                return IsoDate.TryParse(value, out var start) && Set(() => group.StartDate = start);
            case "end":
                if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
                {
                    group.EndDate = null;
                    return true;
                }

                return IsoDate.TryParse(value, out var end) && Set(() => group.EndDate = end);
            case "days":
                return StudyDays.Parse(value) is { } mask && Set(() => group.StudyDays = mask);
            case "makeup":
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 0 and <= 7 && Set(() => group.MakeupDays = days);
            case "points":
                return TryOnOff(value, out var points) && Set(() => group.Points = points);
            case "leaderboard":
                return TryOnOff(value, out var leaderboard) && Set(() => group.Leaderboard = leaderboard);
            case "wall":
                return TryOnOff(value, out var wall) && Set(() => group.Wall = wall);
            case "walltime":
                return TimeOfDay.TryParse(value, out var wallTime) && Set(() => group.WallTime = TimeOfDay.Format(wallTime));
            case "reminder":
                if (value.Equals("off", StringComparison.OrdinalIgnoreCase))
                {
                    group.ReminderTime = null;
                    return true;
                }

                return TimeOfDay.TryParse(value, out var reminder) && Set(() => group.ReminderTime = TimeOfDay.Format(reminder));
            default:
                return false;
        }
    }

    // Every key's current value, written as /groupset takes it, so what is shown can be typed back.
    public static IReadOnlyList<KeyValuePair<string, string>> Values(StudyGroup group) =>
    [
        new("name", group.Name),
        new("language", group.Language),
        new("time", group.DeliveryTime),
        new("zone", group.TimeZone),
        new("pack", group.PackName ?? "-"),
        new("start", group.StartDate is { } start ? IsoDate.Format(start) : "-"),
        new("end", group.EndDate is { } end ? IsoDate.Format(end) : "none"),
        new("days", StudyDays.Describe(group.StudyDays)),
        new("makeup", group.MakeupDays.ToString(CultureInfo.InvariantCulture)),
        new("points", OnOff(group.Points)),
        new("leaderboard", OnOff(group.Leaderboard)),
        new("wall", OnOff(group.Wall)),
        new("walltime", group.WallTime),
        new("reminder", group.ReminderTime ?? "off"),
    ];

    private static readonly string[][] DescribedLines =
    [
        ["language", "time", "zone"],
        ["pack", "start", "end", "days"],
        ["makeup", "points", "leaderboard", "wall", "walltime"],
        ["reminder"],
    ];

    // One line per setting group (the name is said apart).
    public static string Describe(StudyGroup group)
    {
        var values = Values(group).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        return string.Join('\n', DescribedLines.Select(line => string.Join(' ', line.Select(key => $"{key}={values[key]}"))));
    }

    private static bool Set(Action assign)
    {
        assign();
        return true;
    }

    private static bool TryOnOff(string value, out bool on)
    {
        on = value.Equals("on", StringComparison.OrdinalIgnoreCase);
        return on || value.Equals("off", StringComparison.OrdinalIgnoreCase);
    }

    private static string OnOff(bool on) => on ? "on" : "off";
}

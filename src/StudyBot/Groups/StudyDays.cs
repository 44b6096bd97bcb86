namespace StudyBot.Groups;

// A group's study days as a bit per weekday (1 << DayOfWeek: Sunday = 1 ... Saturday = 64), the
// form stored in study_groups.study_days, and the words organizers type: `all`, `mon-fri`,
// `mon,wed,fri`, ranges and lists mixed.
internal static class StudyDays
{
    public const int Every = 0b111_1111;

    private static readonly string[] Names = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    private static readonly string[] FullNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    public static bool Includes(int mask, DayOfWeek day) => (mask & (1 << (int)day)) != 0;

    public static int? Parse(string text)
    {
        var value = text.Trim().ToLowerInvariant();
        if (value == "all")
        {
            return Every;
        }

        var mask = 0;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-', StringSplitOptions.TrimEntries);
            if (range.Length is < 1 or > 2 || Day(range[0]) is not { } first || Day(range[^1]) is not { } last)
            {
                return null;
            }

            // A range runs forward through the week and may wrap: fri-mon is Friday to Monday.
            for (var day = first; ; day = (day + 1) % 7)
            {
                mask |= 1 << day;
                if (day == last)
                {
                    break;
                }
            }
        }

        return mask == 0 ? null : mask;
    }

    // Monday first, as a week is read: `all`, `mon-fri`, or `mon,wed,fri`.
    public static string Describe(int mask)
    {
        if (mask == Every)
        {
            return "all";
        }

        if (mask == 0b011_1110)
        {
            return "mon-fri";
        }

        return string.Join(',', Enumerable.Range(1, 7).Select(i => i % 7).Where(d => (mask & (1 << d)) != 0).Select(d => Names[d]));
    }

    // `mon`, `monday`, `tues`: three letters or more of the English name.
    private static int? Day(string name)
    {
        var index = Array.FindIndex(FullNames, full => name.Length >= 3 && full.StartsWith(name, StringComparison.Ordinal));
        return index < 0 ? null : index;
    }
}

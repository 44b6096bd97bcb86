using StudyBot.Localization;

namespace StudyBot.Digests;

internal static class DigestText
{
    private const int FirstLineLimit = 200;

    public static string Format(Texts texts, string language, DateOnly weekStart, WeekStats stats)
    {
        var lines = new List<string>
        {
            texts.Get(language, "DigestText", Date(weekStart), Date(weekStart.AddDays(6)), stats.Answered, stats.Delivered),
        };
        if (FirstLine(stats.Longest) is { Length: > 0 } first)
        {
            lines.Add(texts.Get(language, "DigestLongest", first));
        }

        lines.Add(texts.Get(language, "DigestFooter"));
        return string.Join("\n\n", lines);
    }

    // The first non-empty line, shortened to keep the digest a glance.
    public static string FirstLine(string? text)
    {
        var line = (text ?? "").ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        return TextCut.Shorten(line, FirstLineLimit);
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace StudyBot.Localization;

// Dates as people type and read them in commands, files and replies: YYYY-MM-DD, whatever the
// language, never the machine's culture.
internal static class IsoDate
{
    public const string Pattern = "yyyy-MM-dd";

    public static string Format(DateOnly date) => date.ToString(Pattern, CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}

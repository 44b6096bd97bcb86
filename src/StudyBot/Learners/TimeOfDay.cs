using System.Globalization;

namespace StudyBot.Learners;

internal static class TimeOfDay
{
    private static readonly string[] Formats = ["H:mm", "HH:mm"];

    public static bool TryParse(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text?.Trim(), Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    public static TimeOnly Parse(string text) =>
        TryParse(text, out var time) ? time : throw new FormatException($"'{text}' is not HH:MM");

    public static string Format(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
}

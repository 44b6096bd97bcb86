using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using StudyBot.Localization;

namespace StudyBot.Groups;

// The CSV of /calendar: `date,kind,note`, one exception a line, kind `off` (a holiday) or `study`
// (a working weekend, 调休); the header line is optional. Read whole, or refused naming the line.
internal static class CalendarFile
{
    // A few years of holidays fit in a few kilobytes; more is not a calendar.
    public const int MaxBytes = 64 * 1024;
    public const int MaxRows = 1000;

    /// <returns>The days, or the first problem (in the organizer's language) and no days.</returns>
    public static (IReadOnlyList<CalendarDay>? Days, string? Problem) Read(byte[] bytes, Texts texts, string language)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return (null, texts.Get(language, "CalendarNotUtf8"));
        }

        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture) { HasHeaderRecord = false, MissingFieldFound = null, BadDataFound = null };
        using var csv = new CsvReader(new StringReader(text), configuration);
        var days = new Dictionary<DateOnly, CalendarDay>();
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var date = csv.GetField(0)?.Trim() ?? "";
            if (date.Length == 0 || (line == 1 && date.Equals("date", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (!IsoDate.TryParse(date, out var day))
            {
                return (null, texts.Get(language, "CalendarBadDate", line, TextCut.Echo(date)));
            }

            var kind = csv.GetField(1)?.Trim().ToLowerInvariant() ?? "";
            if (kind is not (CalendarDay.Off or CalendarDay.Study))
            {
                return (null, texts.Get(language, "CalendarBadKind", line, TextCut.Echo(kind)));
            }

            if (days.Count >= MaxRows)
            {
                return (null, texts.Get(language, "CalendarTooMany", MaxRows));
            }

            days[day] = new CalendarDay { Day = day, Kind = kind, Note = TextCut.Shorten(csv.GetField(2)?.Trim() ?? "", 200) };
        }

        return days.Count == 0 ? (null, texts.Get(language, "CalendarEmpty")) : ([.. days.Values.OrderBy(d => d.Day)], null);
    }
}

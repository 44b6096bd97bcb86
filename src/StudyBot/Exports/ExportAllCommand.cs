using System.Globalization;
using StudyBot.Audit;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;

namespace StudyBot.Exports;

// /exportall [FROM [TO]]: everyone's reflections on prompts of those local dates (inclusive; no
// dates = everything) as a CSV and an XLSX document.
internal sealed class ExportAllCommand(ExportAllStore store, AuditLog audit, BotMessenger messenger, Texts texts) : IBotCommand
{
    // Telegram's limit for a file a bot uploads.
    public const int MaxFileBytes = 50 * 1024 * 1024;

    public string Name => "exportall";
    public CommandAudience Audience => CommandAudience.Admin;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (ParseRange(context.Arguments) is not { } range)
        {
            await context.ReplyAsync(texts.Get(context.Language, "ExportAllUsage"), cancellationToken);
            return;
        }

        var rows = await store.ListAsync(range.From, range.To, cancellationToken);
        var userId = context.Message.From?.Id ?? 0;
        var scope = Describe(range);
        if (rows.Count == 0)
        {
            await audit.WriteAsync(userId, AuditLog.Actions.ExportAll, $"{scope}: 0 rows", cancellationToken);
            await context.ReplyAsync(texts.Get(context.Language, "ExportAllEmpty"), cancellationToken);
            return;
        }

        var language = context.Language;
        string[] headers =
        [
            texts.Get(language, "ExportAllColumnLearner"),
            texts.Get(language, "ExportAllColumnDate"),
            texts.Get(language, "ExportAllColumnTheme"),
            texts.Get(language, "ExportAllColumnQuote"),
            texts.Get(language, "ExportAllColumnText"),
        ];
        var csv = ExportAllDocuments.BuildCsv(headers, rows);
        var xlsx = ExportAllDocuments.BuildXlsx(texts.Get(language, "ExportAllSheet"), headers, rows);
        if (csv.Length > MaxFileBytes || xlsx.Length > MaxFileBytes)
        {
            await context.ReplyAsync(texts.Get(language, "ExportAllTooLarge", rows.Count), cancellationToken);
            return;
        }

        var first = rows[0].LocalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var last = rows[^1].LocalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var learners = rows.Select(r => r.DisplayName).Distinct(StringComparer.Ordinal).Count();
        var caption = texts.Get(language, "ExportAllCaption", rows.Count, learners, first, last);
        var baseName = $"reflections_{first}_{last}";
        await messenger.SendDocumentAsync(context.ChatId, csv, baseName + ".csv", caption, cancellationToken);
        await messenger.SendDocumentAsync(context.ChatId, xlsx, baseName + ".xlsx", caption, cancellationToken);
        await audit.WriteAsync(userId, AuditLog.Actions.ExportAll, $"{scope}: {rows.Count} rows", cancellationToken);
    }

    // "" = everything; "FROM" = from then on; "FROM TO" = both inclusive. Anything else is null.
    internal static DateRange? ParseRange(string arguments)
    {
        var parts = arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > 2)
        {
            return null;
        }

        var from = DateOnly.MinValue;
        var to = DateOnly.MaxValue;
        if (parts.Length >= 1 && !TryParseDate(parts[0], out from))
        {
            return null;
        }

        if (parts.Length == 2 && !TryParseDate(parts[1], out to))
        {
            return null;
        }

        return from <= to ? new DateRange(from, to) : null;
    }

    private static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static string Describe(DateRange range) =>
        (range.From == DateOnly.MinValue ? "…" : range.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
        + ".."
        + (range.To == DateOnly.MaxValue ? "…" : range.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
}

internal sealed record DateRange(DateOnly From, DateOnly To);

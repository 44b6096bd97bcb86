using System.Globalization;
using Microsoft.Extensions.Options;
using StudyBot.Audit;
using StudyBot.Configuration;
using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Reflections;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;

namespace StudyBot.Exports;

// /exportall [FROM [TO]]: the current group's reflections (an owner on all groups: everyone's) on
// prompts of those local dates (inclusive; no dates = everything) as a CSV and an XLSX document.
internal sealed class ExportAllCommand(ExportAllStore store, GroupAccess access, AuditLog audit, BotMessenger messenger, Texts texts, IOptions<BotOptions> options) : IBotCommand
{
    // Telegram's limit for a file a bot uploads.
    public const int MaxFileBytes = 50 * 1024 * 1024;

    // The files of an export in progress start so, in Bot:TempFolder or the system's temp folder.
    public const string TempFilePrefix = "studybot-export-";

    public string Name => "exportall";
    public CommandAudience Audience => CommandAudience.Organizer;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (ParseRange(context.Arguments) is not { } range)
        {
            context.Reply(texts.Get(context.Language, "ExportAllUsage"));
            return;
        }

        // Null only for someone who stopped running a group since the router let the command in.
        if (await access.CurrentScopeAsync(context.UserId, cancellationToken) is not { } group)
        {
            return;
        }

        var userId = context.UserId;
        var scope = (group.GroupId is { } id ? $"group #{id.ToString(CultureInfo.InvariantCulture)} " : "") + Describe(range);
        var language = context.Language;
        string[] headers =
        [
            texts.Get(language, "ExportAllColumnLearner"),
            texts.Get(language, "ExportAllColumnDate"),
            texts.Get(language, "ExportAllColumnTheme"),
            texts.Get(language, "ExportAllColumnQuote"),
            texts.Get(language, "ExportAllColumnText"),
        ];

        // Both files are written to disk in one pass over the rows and sent from there: memory
        // does not grow with the number of reflections. They are deleted whatever happens.
        var folder = options.Value.TempFolderPath;
        var name = TempFilePrefix + Guid.NewGuid().ToString("N");
        var csvPath = Path.Combine(folder, name + ".csv");
        var xlsxPath = Path.Combine(folder, name + ".xlsx");
        try
        {
            int rows, learners;
            DateOnly firstDate, lastDate;
            using (var documents = ExportAllDocuments.Create(csvPath, xlsxPath, texts.Get(language, "ExportAllSheet"), headers))
            {
                await foreach (var row in store.StreamAsync(group.GroupId, range.From, range.To, cancellationToken))
                {
                    // A photo or voice answer as "photo: caption", "voice 0:45": the files stay on Telegram.
                    row.Text = row.Describe(texts, language);
                    documents.Add(row);
                }

                documents.Complete();
                (rows, learners, firstDate, lastDate) = (documents.Rows, documents.Learners, documents.First, documents.Last);
            }

            if (rows == 0)
            {
                await audit.WriteAsync(userId, AuditLog.Actions.ExportAll, $"{scope}: 0 rows", cancellationToken);
                context.Reply(texts.Get(language, "ExportAllEmpty"));
                return;
            }

            if (new FileInfo(csvPath).Length > MaxFileBytes || new FileInfo(xlsxPath).Length > MaxFileBytes)
            {
                context.Reply(texts.Get(language, "ExportAllTooLarge", rows));
                return;
            }

            var first = IsoDate.Format(firstDate);
            var last = IsoDate.Format(lastDate);
            var caption = texts.Get(language, "ExportAllCaption", rows, learners, first, last);
            var baseName = $"reflections_{first}_{last}";
            await context.SendInTurnAsync(ct => messenger.SendDocumentAsync(context.ChatId, csvPath, baseName + ".csv", caption, ct), cancellationToken);
            await context.SendInTurnAsync(ct => messenger.SendDocumentAsync(context.ChatId, xlsxPath, baseName + ".xlsx", caption, ct), cancellationToken);
            await audit.WriteAsync(userId, AuditLog.Actions.ExportAll, $"{scope}: {rows} rows", cancellationToken);
        }
        finally
        {
            File.Delete(csvPath);
            File.Delete(xlsxPath);
        }
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
        if (parts.Length >= 1 && !IsoDate.TryParse(parts[0], out from))
        {
            return null;
        }

        if (parts.Length == 2 && !IsoDate.TryParse(parts[1], out to))
        {
            return null;
        }

        return from <= to ? new DateRange(from, to) : null;
    }


    private static string Describe(DateRange range) =>
        (range.From == DateOnly.MinValue ? "…" : IsoDate.Format(range.From))
        + ".."
        + (range.To == DateOnly.MaxValue ? "…" : IsoDate.Format(range.To));
}

internal sealed record DateRange(DateOnly From, DateOnly To);

using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;

namespace StudyBot.Exports;

// /exportall [FROM [TO]]: the current group's reflections (an owner on all groups: everyone's) on
// prompts of those local dates (inclusive; no dates = everything) as a CSV and an XLSX document.
internal sealed class ExportAllCommand(ReflectionExport export, GroupAccess access, BotMessenger messenger, Texts texts) : IBotCommand
{
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

        var language = context.Language;
        using var files = await export.WriteAsync(group.GroupId, range, language, cancellationToken);
        if (files.Rows == 0)
        {
            await export.RecordAsync(context.UserId, files, cancellationToken);
            context.Reply(texts.Get(language, "ExportAllEmpty"));
            return;
        }

        if (files.IsTooLarge)
        {
            context.Reply(texts.Get(language, "ExportAllTooLarge", files.Rows));
            return;
        }

        var caption = texts.Get(language, "ExportAllCaption", files.Rows, files.Learners, IsoDate.Format(files.First), IsoDate.Format(files.Last));
        await context.SendInTurnAsync(ct => messenger.SendDocumentAsync(context.ChatId, files.CsvPath, files.BaseName + ".csv", caption, ct), cancellationToken);
        await context.SendInTurnAsync(ct => messenger.SendDocumentAsync(context.ChatId, files.XlsxPath, files.BaseName + ".xlsx", caption, ct), cancellationToken);
        await export.RecordAsync(context.UserId, files, cancellationToken);
    }

    // "" = everything; "FROM" = from then on; "FROM TO" = both inclusive. Anything else is null.
    internal static DateRange? ParseRange(string arguments)
    {
        var parts = arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 2 ? null : DateRange.Parse(parts.ElementAtOrDefault(0), parts.ElementAtOrDefault(1));
    }
}

// The days an export covers; an open end is DateOnly.MinValue or MaxValue.
internal sealed record DateRange(DateOnly From, DateOnly To)
{
    // FROM and TO as YYYY-MM-DD, either left out for an open end; null when either is not a date
    // or FROM comes after TO. As /exportall and the web app's export take them.
    public static DateRange? Parse(string? from, string? to)
    {
        var first = DateOnly.MinValue;
        var last = DateOnly.MaxValue;
        if ((!string.IsNullOrEmpty(from) && !IsoDate.TryParse(from, out first)) || (!string.IsNullOrEmpty(to) && !IsoDate.TryParse(to, out last)))
        {
            return null;
        }

        return first <= last ? new DateRange(first, last) : null;
    }
}

using System.Text;
using Microsoft.Extensions.Logging;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;
using StudyBot.Wall;

namespace StudyBot.Reflections;

// /export: the draft of the learner's study summary, sent as a Word document and as Markdown.
// Both are built in memory from one SummaryDocument, so the two files always say the same; the
// Word document also holds the photo answers, fetched from Telegram for it.
internal sealed partial class ExportCommand(ReflectionStore reflections, WallStore wall, SummaryWords words, SummaryPhotos photos, BotMessenger messenger, Texts texts, ILogger<ExportCommand> logger) : IBotCommand
{
    public string Name => "export";
    public CommandAudience Audience => CommandAudience.Learner;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var language = context.Language;
        var name = context.Learner?.DisplayName is { Length: > 0 } stored ? stored : context.DisplayName;
        var summaryTexts = words.For(language, words.DefaultTitle(language, name));
        var entries = await reflections.ListAllAsync(context.ChatId, cancellationToken);
        var comments = await wall.CommentsOnAsync([.. entries.Select(e => e.Id)], cancellationToken);
        if (SummaryDocument.Build(entries, summaryTexts, comments) is not { } document)
        {
            context.Reply(texts.Get(language, "ExportEmpty"));
            return;
        }

        document = document with { CourseLine = await words.CourseLineAsync(context.Learner?.GroupId, language, cancellationToken) };
        var pictures = await photos.FetchAsync(document.PhotoFileIds, cancellationToken);
        var caption = texts.Get(language, "ExportCaption", entries.Count, SummaryDocument.Date(document.First), SummaryDocument.Date(document.Last));
        var docx = await context.SendInTurnAsync(ct => messenger.SendDocumentAsync(context.ChatId, SummaryDocx.Render(document, pictures), document.FileName + ".docx", caption, ct), cancellationToken);
        var markdown = await context.SendInTurnAsync(ct => messenger.SendDocumentAsync(context.ChatId, Encoding.UTF8.GetBytes(SummaryMarkdown.Render(document)), document.FileName + ".md", null, ct), cancellationToken);
        LogExported(context.ChatId, entries.Count);
        if (docx.Status == SendStatus.Failed || markdown.Status == SendStatus.Failed)
        {
            context.Reply(texts.Get(language, "Error"));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat {ChatId} exported {Count} reflections")]
    private partial void LogExported(long chatId, int count);
}

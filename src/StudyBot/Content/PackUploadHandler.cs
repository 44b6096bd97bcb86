using Microsoft.Extensions.Logging;
using StudyBot.Audit;
using StudyBot.Delivery;
using StudyBot.Telegram.Receiving;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;

namespace StudyBot.Content;

// A document an admin sends is a content pack: downloaded, validated whole, imported or refused.
internal sealed partial class PackUploadHandler(
    DocumentDownloads downloads,
    PackImporter importer,
    AuditLog audit,
    BotMessenger messenger,
    TimeProvider time,
    ILogger<PackUploadHandler> logger)
{
    public async Task HandleAsync(Message message, string language, string timeZone, CancellationToken cancellationToken)
    {
        var document = message.Document!;
        var today = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, Learners.TimeZones.Get(timeZone));
        var outcome = await downloads.DownloadAsync(document, PackImporter.MaxBytes, cancellationToken) is { } bytes
            ? await importer.ImportAsync(document.FileName ?? "pack", bytes, message.Caption, language, today, cancellationToken)
            : importer.TooLarge(language);
        LogImport(message.From?.Id ?? 0, document.FileName ?? "?", outcome.Summary is not null);
        var details = outcome.Summary is { } summary
            ? $"{document.FileName}: pack {summary.PackName}, {summary.ItemsAdded} added, {summary.ItemsReplaced} replaced"
            : $"{document.FileName}: refused";
        await audit.WriteAsync(message.From?.Id ?? 0, AuditLog.Actions.Import, details, cancellationToken);
        await messenger.SendTextAsync(message.Chat.Id, outcome.Message, cancellationToken, replyToMessageId: message.Id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {UserId} sent pack file {FileName}; imported: {Imported}")]
    private partial void LogImport(long userId, string fileName, bool imported);
}

using Microsoft.Extensions.Logging;
using StudyBot.Audit;
using StudyBot.Delivery;
using StudyBot.Telegram.Sending;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace StudyBot.Content;

// A document an admin sends is a content pack: downloaded, validated whole, imported or refused.
internal sealed partial class PackUploadHandler(
    ITelegramBotClient client,
    PackImporter importer,
    AuditLog audit,
    BotMessenger messenger,
    TimeProvider time,
    ILogger<PackUploadHandler> logger)
{
    public async Task HandleAsync(Message message, string language, string timeZone, CancellationToken cancellationToken)
    {
        var document = message.Document!;
        byte[] bytes;
        if (document.FileSize > PackImporter.MaxBytes)
        {
            bytes = new byte[PackImporter.MaxBytes + 1];
        }
        else
        {
            var file = await client.GetFile(document.FileId, cancellationToken);
            using var buffer = new MemoryStream();
            await client.DownloadFile(file, buffer, cancellationToken);
            bytes = buffer.ToArray();
        }

        var today = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, Learners.TimeZones.Get(timeZone));
        var outcome = await importer.ImportAsync(document.FileName ?? "pack", bytes, message.Caption, language, today, cancellationToken);
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

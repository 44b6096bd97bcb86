using Microsoft.Extensions.Logging;
using StudyBot.Delivery;
using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Telegram.Receiving;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;

namespace StudyBot.Content;

// A document an organizer sends is a content pack: downloaded, validated whole, imported or
// refused. An owner's pack is shared by every group; an organizer's belongs to their current
// group and becomes its course, unless the caption says activate=no.
internal sealed partial class PackUploadHandler(
    DocumentDownloads downloads,
    PackUploads uploads,
    GroupAccess access,
    Texts texts,
    BotMessenger messenger,
    TimeProvider time,
    ILogger<PackUploadHandler> logger)
{
    public async Task HandleAsync(Message message, string language, string timeZone, CancellationToken cancellationToken)
    {
        var document = message.Document!;
        var userId = message.From!.Id;
        var groupId = access.IsOwner(userId) ? ContentStore.SharedPacks : (await access.CurrentScopeAsync(userId, cancellationToken))?.GroupId;
        if (groupId is null)
        {
            return;
        }

        var today = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, Learners.TimeZones.Get(timeZone));
        var bytes = await downloads.DownloadAsync(document, PackImporter.MaxBytes, cancellationToken);
        var fileName = document.FileName ?? "pack";
        var upload = await uploads.ImportAsync(userId, groupId.Value, fileName, bytes, message.Caption, PackDefaults.ActivatesFrom(message.Caption), language, today, cancellationToken);
        var reply = upload.Outcome.Message;
        if (upload.Outcome.Summary is { } imported && upload.Group is { } group)
        {
            reply += "\n" + (upload.Activated
                ? texts.Get(language, "PackActivated", group.Name)
                : texts.Get(language, "PackNotActivated", group.Name, imported.PackName));
        }

        LogImport(userId, fileName, upload.Outcome.Summary is not null);
        await messenger.SendTextAsync(message.Chat.Id, reply, cancellationToken, replyToMessageId: message.Id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Organizer {UserId} sent pack file {FileName}; imported: {Imported}")]
    private partial void LogImport(long userId, string fileName, bool imported);
}

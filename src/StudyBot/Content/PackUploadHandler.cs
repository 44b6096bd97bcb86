using Microsoft.Extensions.Logging;
using StudyBot.Audit;
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
    PackImporter importer,
    GroupAccess access,
    GroupStore groups,
    GroupCourses courses,
    Texts texts,
    AuditLog audit,
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
        var outcome = await downloads.DownloadAsync(document, PackImporter.MaxBytes, cancellationToken) is { } bytes
            ? await importer.ImportAsync(document.FileName ?? "pack", bytes, message.Caption, language, today, cancellationToken, groupId.Value)
            : importer.TooLarge(language);
        var reply = outcome.Message;
        if (outcome.Summary is { } imported && groupId != ContentStore.SharedPacks && await groups.GetAsync(groupId.Value, cancellationToken) is { } group)
        {
            if (!PackDefaults.ActivatesFrom(message.Caption))
            {
                reply += "\n" + texts.Get(language, "PackNotActivated", group.Name, imported.PackName);
            }
            else
            {
                await groups.SetPackAsync(group.Id, imported.PackName, cancellationToken);
                courses.Forget(group.Id);
                reply += "\n" + texts.Get(language, "PackActivated", group.Name);
            }
        }

        LogImport(message.From?.Id ?? 0, document.FileName ?? "?", outcome.Summary is not null);
        var details = outcome.Summary is { } summary
            ? $"{document.FileName}: pack {summary.PackName}, {summary.ItemsAdded} added, {summary.ItemsReplaced} replaced"
            : $"{document.FileName}: refused";
        await audit.WriteAsync(message.From?.Id ?? 0, AuditLog.Actions.Import, details, cancellationToken);
        await messenger.SendTextAsync(message.Chat.Id, reply, cancellationToken, replyToMessageId: message.Id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Organizer {UserId} sent pack file {FileName}; imported: {Imported}")]
    private partial void LogImport(long userId, string fileName, bool imported);
}

using Microsoft.Extensions.Logging;
using StudyBot.Audit;
using StudyBot.Localization;
using StudyBot.Outbox;
using StudyBot.Telegram.Sending;

namespace StudyBot.Broadcasts;

// A broadcast's two steps, from the chat's buttons or from the web app: the draft, which sends
// nothing and says whom it would reach, and its confirmation, which fixes the recipients, queues
// one outbox row each and opens the organizer's status message in the private chat (then
// BroadcastProgress keeps it up to date). A draft is confirmed once: a second confirm sends nothing.
internal sealed partial class Broadcaster(
    BroadcastStore broadcasts,
    BroadcastProgress progress,
    AuditLog audit,
    OutboxSender outbox,
    BotMessenger messenger,
    Texts texts,
    ILogger<Broadcaster> logger)
{
    // Telegram's limit for one message: the copies go out as they are, never cut.
    public const int MaxTextLength = 4096;

    /// <param name="groupId">To that group's active members; null: to every active subscriber (an owner's).</param>
    public async Task<BroadcastDraft> DraftAsync(long adminChatId, long userId, long? groupId, string language, string text, string? entitiesJson, CancellationToken cancellationToken)
    {
        var id = await broadcasts.CreateDraftAsync(adminChatId, userId, groupId, language, text, entitiesJson, cancellationToken);
        var recipients = await broadcasts.CountActiveLearnersAsync(groupId, cancellationToken);
        LogDrafted(userId, id);
        await audit.WriteAsync(userId, AuditLog.Actions.BroadcastDraft, $"#{id}, {recipients} active subscribers", cancellationToken);
        var linkedChats = await broadcasts.CountLinkedChatsAsync(groupId, cancellationToken);
        return new BroadcastDraft(id, recipients, linkedChats);
    }

    /// <returns>The number of recipients; null when the draft was confirmed or cancelled already, or expired (BroadcastStore.IsExpired tells which).</returns>
    public async Task<int?> ConfirmAsync(long userId, Broadcast broadcast, CancellationToken cancellationToken)
    {
        var id = broadcast.Id;
        progress.Starting(id);
        try
        {
            var total = await broadcasts.TryConfirmAsync(id, cancellationToken);
            if (total is null)
            {
                return null;
            }

            LogConfirmed(userId, id, total.Value);
            await audit.WriteAsync(userId, AuditLog.Actions.BroadcastConfirm, $"#{id}, {total.Value} recipients", cancellationToken);
            outbox.Wake();
            var sending = texts.Get(broadcast.Language, "BroadcastSending", id, 0, total.Value);
            var status = await messenger.SendTextAsync(broadcast.AdminChatId, sending, cancellationToken);
            if (status.MessageId is { } statusMessageId)
            {
                await broadcasts.SetStatusMessageAsync(id, statusMessageId, cancellationToken);
                await progress.StartAsync(id, sending, cancellationToken);
            }

            return total;
        }
        finally
        {
            progress.Started(id);
        }
    }

    // A draft dropped before anyone confirmed it; false when it was confirmed or cancelled already.
    public async Task<bool> CancelAsync(long userId, long id, CancellationToken cancellationToken)
    {
        if (!await broadcasts.TryCancelAsync(id, cancellationToken))
        {
            return false;
        }

        await audit.WriteAsync(userId, AuditLog.Actions.BroadcastCancel, $"#{id}", cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {UserId} drafted broadcast {BroadcastId}")]
    private partial void LogDrafted(long userId, long broadcastId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {UserId} confirmed broadcast {BroadcastId} to {Total} recipients")]
    private partial void LogConfirmed(long userId, long broadcastId, int total);
}

// Recipients: the active members it would go to now; LinkedChats: the group chats it is also posted in.
internal sealed record BroadcastDraft(long Id, long Recipients, long LinkedChats);

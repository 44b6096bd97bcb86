using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Hosting;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Outbox;

namespace StudyBot.Telegram.Receiving;

// An update that cannot be handled is set aside rather than replayed into the same failure at
// every start. The owners (Bot:AdminIds) hear of it once: their notices are outbox rows written in
// the transaction that sets it aside, so a crash cannot lose them and a second instance or a
// restart that sees the same failure finds nothing left to set aside. A notice names the update,
// the chat and the error's first line, never the learner's words: the row and its payload stay in
// inbound_updates for an owner who needs them.
internal sealed partial class FailedUpdates(
    UpdateInbox inbox,
    LearnerStore learners,
    Texts texts,
    OutboxSender outbox,
    BotMetrics metrics,
    IOptions<BotOptions> options,
    ILogger<FailedUpdates> logger)
{
    // A notice is a phone's screenful, whatever the exception's message is.
    private const int MaxNoticeErrorLength = 200;

    /// <returns>true when this call set it aside; false when it was handled or set aside already.</returns>
    public async Task<bool> SetAsideAsync(long updateId, long chatId, string error, CancellationToken cancellationToken)
    {
        var firstLine = FirstLine(error);
        var notices = new List<OutboxMessage>();
        foreach (var owner in options.Value.AdminIds.Distinct())
        {
            var language = (await learners.GetAsync(owner, cancellationToken))?.Language ?? options.Value.Language;
            notices.Add(new OutboxMessage
            {
                ChatId = owner,
                Kind = OutboxStore.Kind.OwnerNotice,
                Priority = OutboxStore.Priority.Reply,
                Text = texts.Get(language, "UpdateSetAside", updateId, chatId, firstLine),
            });
        }

        if (!await inbox.SetAsideAsync(updateId, error, notices, cancellationToken))
        {
            return false;
        }

        metrics.UpdatesSetAside.Inc();
        LogSetAside(updateId, chatId, firstLine);
        outbox.Wake();
        return true;
    }

    internal static string FirstLine(string error)
    {
        var line = error.AsSpan().TrimStart();
        var end = line.IndexOfAny('\r', '\n');
        if (end >= 0)
        {
            line = line[..end];
        }

        line = line.TrimEnd();
        return line.Length <= MaxNoticeErrorLength ? line.ToString() : string.Concat(line[..(MaxNoticeErrorLength - 1)], "…");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Update {UpdateId} of chat {ChatId} was set aside and will not be tried again ({Error}); the owners are told")]
    private partial void LogSetAside(long updateId, long chatId, string error);
}

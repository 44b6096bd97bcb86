using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StudyBot.Content;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Telegram;

namespace StudyBot.Delivery;

// Sends claimed deliveries and records the outcome. A delivery row without sent_utc is the outbox:
// a crash between claim and confirmation leaves it pending, and it is sent again after restart.
public sealed partial class DeliverySender(
    DeliveryStore deliveries,
    LearnerStore learners,
    BotMessenger messenger,
    Texts texts,
    TimeProvider time,
    ILogger<DeliverySender> logger)
{
    // Sends running in this process; the sweep must not start a second copy of one of them.
    private readonly ConcurrentDictionary<long, byte> inFlight = new();

    public async Task<SendOutcome?> SendAsync(DeliveryRecord delivery, CancellationToken cancellationToken)
    {
        if (!inFlight.TryAdd(delivery.Id, 0))
        {
            return null;
        }

        try
        {
            // The caller's copy may be older than a send that finished a moment ago.
            if (await deliveries.IsPendingAsync(delivery.Id, cancellationToken) is false)
            {
                return null;
            }

            if (DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, TimeZones.Get(delivery.TimeZone)) > delivery.LocalDate)
            {
                // The learner's day ended before this could go out: a prompt belongs to its day.
                await deliveries.MarkAttemptFailedAsync(delivery.Id, "local day over", cancellationToken);
                return new SendOutcome(SendStatus.Failed, Error: "local day over");
            }

            var item = new ContentItem(delivery.Theme, delivery.Quote, delivery.Source, delivery.Prompt, null);
            var outcome = await messenger.SendTextAsync(delivery.ChatId, DeliveryText.Format(texts, delivery.Language, item), cancellationToken);
            switch (outcome.Status)
            {
                case SendStatus.Sent:
                    await deliveries.MarkSentAsync(delivery.Id, outcome.MessageId!.Value, CancellationToken.None);
                    delivery.MessageId = outcome.MessageId;
                    break;
                case SendStatus.Unreachable:
                    await deliveries.MarkAttemptFailedAsync(delivery.Id, "unreachable", CancellationToken.None);
                    await learners.MarkBlockedAsync(delivery.ChatId, CancellationToken.None);
                    break;
                default:
                    await deliveries.MarkAttemptFailedAsync(delivery.Id, null, CancellationToken.None);
                    LogWillRetry(delivery.Id, delivery.ChatId);
                    break;
            }

            return outcome;
        }
        finally
        {
            inFlight.TryRemove(delivery.Id, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} to chat {ChatId} failed; it stays pending")]
    private partial void LogWillRetry(long deliveryId, long chatId);
}

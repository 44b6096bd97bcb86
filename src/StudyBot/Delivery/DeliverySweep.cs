using Microsoft.Extensions.Logging;
using StudyBot.Admin;
using StudyBot.Content;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Telegram;

namespace StudyBot.Delivery;

// One pass of the schedule: claim a delivery (and its outbox row) for every learner now due, then
// the reminders now due (Bot:ReminderTime). A million learners cost one indexed range query per
// batch, not a million triggers.
public sealed partial class DeliverySweep(
    DeliveryStore deliveries,
    ContentStore content,
    OutboxSender outbox,
    Reminders reminders,
    Texts texts,
    TimeProvider time,
    ILogger<DeliverySweep> logger) : IDisposable
{
    private const int BatchSize = 1000;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var claimed = 0;
            while (true)
            {
                var now = time.GetUtcNow().UtcDateTime;
                var due = await deliveries.ListDueAsync(now, BatchSize, cancellationToken);
                if (due.Count == 0)
                {
                    break;
                }

                var work = new List<DueWork>(due.Count);
                foreach (var learner in due)
                {
                    var plan = DeliverySchedule.PlanForDue(now, TimeOfDay.Parse(learner.DeliveryTime), TimeZones.Get(learner.TimeZone), learner.LastDeliveredDate);
                    ContentItem? item = null;
                    if (plan.DeliverFor is { } date)
                    {
                        item = await content.ItemForAsync(learner.Language, date, cancellationToken);
                        if (item is null)
                        {
                            LogNoContent(learner.ChatId, learner.Language);
                        }
                    }

                    work.Add(new DueWork(learner, plan, item, item is null ? null : DeliveryText.Format(texts, learner.Language, item)));
                }

                var batchClaims = await deliveries.ApplyDuePlansAsync(work, now, cancellationToken);
                claimed += batchClaims;
                if (batchClaims > 0)
                {
                    outbox.Wake();
                }

                if (due.Count < BatchSize)
                {
                    break;
                }
            }

            await reminders.RunScheduledAsync(cancellationToken);
            return claimed;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    public void Dispose() => oneAtATime.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "No content for chat {ChatId} in language {Language}; its delivery is skipped")]
    private partial void LogNoContent(long chatId, string language);
}

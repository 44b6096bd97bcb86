using Microsoft.Extensions.Logging;
using StudyBot.Content;
using StudyBot.Learners;

namespace StudyBot.Delivery;

// One pass of the schedule: claim a delivery for every learner now due, then send what is pending.
// A million learners cost one indexed range query per batch, not a million triggers.
public sealed partial class DeliverySweep(
    DeliveryStore deliveries,
    ContentStore content,
    DeliverySender sender,
    TimeProvider time,
    ILogger<DeliverySweep> logger) : IDisposable
{
    private const int BatchSize = 1000;
    private const int SendConcurrency = 16;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    public async Task<SweepResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var claimed = await ClaimDueAsync(cancellationToken);
            var sent = await SendPendingAsync(cancellationToken);
            return new SweepResult(claimed, sent);
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    private async Task<int> ClaimDueAsync(CancellationToken cancellationToken)
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

            var plans = new List<(DueLearner, DuePlan, ContentItem?)>(due.Count);
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

                plans.Add((learner, plan, item));
            }

            claimed += (await deliveries.ApplyDuePlansAsync(plans, now, cancellationToken)).Count;
            if (due.Count < BatchSize)
            {
                break;
            }
        }

        return claimed;
    }

    private async Task<int> SendPendingAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        var pending = await deliveries.ListPendingAsync(BatchSize, cancellationToken);
        while (pending.Count > 0)
        {
            var attempted = 0;
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = SendConcurrency, CancellationToken = cancellationToken }, async (delivery, ct) =>
            {
                var outcome = await sender.SendAsync(delivery, ct);
                if (outcome is not null)
                {
                    Interlocked.Increment(ref attempted);
                }

                if (outcome?.Status == Telegram.SendStatus.Sent)
                {
                    Interlocked.Increment(ref sent);
                }
            });

            // Rows that failed stay pending for the next pass; stop when a batch made no progress.
            if (pending.Count < BatchSize || attempted == 0 || sent == 0)
            {
                break;
            }

            pending = await deliveries.ListPendingAsync(BatchSize, cancellationToken);
        }

        return sent;
    }

    public void Dispose() => oneAtATime.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "No content for chat {ChatId} in language {Language}; its delivery is skipped")]
    private partial void LogNoContent(long chatId, string language);
}

public sealed record SweepResult(int Claimed, int Sent);

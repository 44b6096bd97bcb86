using Microsoft.Extensions.Logging;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Outbox;

namespace StudyBot.Digests;

// One pass of the weekly digest schedule: for every learner whose Sunday evening has come, count the
// week and put the digest in the outbox, which keeps Telegram's limits for it.
internal sealed partial class DigestSweep(DigestStore store, OutboxSender outbox, Texts texts, TimeProvider time, ILogger<DigestSweep> logger) : IDisposable
{
    private const int BatchSize = 500;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var enqueued = 0;
            while (true)
            {
                var now = time.GetUtcNow().UtcDateTime;
                var due = await store.ListDueAsync(now, BatchSize, cancellationToken);
                if (due.Count == 0)
                {
                    break;
                }

                var batch = new List<DigestWork>(due.Count);
                foreach (var learner in due)
                {
                    var plan = DigestSchedule.PlanForDue(now, TimeZones.Get(learner.TimeZone));
                    DigestReport? report = null;
                    if (plan.WeekStart is { } weekStart)
                    {
                        var stats = await store.WeekStatsAsync(learner.ChatId, weekStart, cancellationToken);

                        // A week without a single prompt delivered has nothing to report.
                        if (stats.Delivered > 0)
                        {
                            report = new DigestReport(weekStart, stats, DigestText.Format(texts, learner.Language, weekStart, stats));
                        }
                    }

                    batch.Add(new DigestWork(learner, plan.NextUtc, report));
                }

                var batchEnqueued = await store.ApplyAsync(batch, now, cancellationToken);
                enqueued += batchEnqueued;
                if (batchEnqueued > 0)
                {
                    outbox.Wake();
                    LogEnqueued(batchEnqueued);
                }

                if (due.Count < BatchSize)
                {
                    break;
                }
            }

            return enqueued;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    public void Dispose() => oneAtATime.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Enqueued {Count} weekly digests")]
    private partial void LogEnqueued(int count);
}

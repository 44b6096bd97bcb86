using Microsoft.Extensions.Logging;
using Quartz;

namespace StudyBot.Telegram.Receiving;

// Telegram keeps an update for 24 hours at most. A handled row older than that can never come
// again, so it goes after two days. A row still pending after a day is set aside, never replayed
// again: whatever kept it from being handled or set aside so far (an outage, a failure nothing
// counted), no start replays it after Telegram itself would have given up on it. It is kept, not
// deleted: it may hold a learner's words.
[DisallowConcurrentExecution]
internal sealed partial class InboxPruneJob(UpdateInbox inbox, TimeProvider time, ILogger<InboxPruneJob> logger) : IJob
{
    public static readonly JobKey Key = new("inbox-prune");

    public static readonly TimeSpan TelegramKeepsUpdates = TimeSpan.FromHours(24);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await inbox.PruneHandledAsync(now.AddDays(-2), cancellationToken);
        var stale = await inbox.SetAsideStaleAsync(now - TelegramKeepsUpdates, "Not handled within 24 hours of its arrival", cancellationToken);
        if (stale > 0)
        {
            LogSetAsideStale(stale);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Set aside {Count} updates not handled within 24 hours of their arrival; they stay in inbound_updates and are not replayed")]
    private partial void LogSetAsideStale(int count);
}

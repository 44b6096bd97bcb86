using Quartz;

namespace StudyBot.Telegram.Receiving;

[DisallowConcurrentExecution]
internal sealed class InboxPruneJob(UpdateInbox inbox, TimeProvider time) : IJob
{
    public static readonly JobKey Key = new("inbox-prune");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await inbox.PruneHandledAsync(time.GetUtcNow().UtcDateTime.AddDays(-2), cancellationToken);
}

using Microsoft.Extensions.Logging;
using Quartz;

namespace StudyBot.Outbox;

// Every bulk message stays in the outbox after it is sent; without this the table only grows.
// Rows are deleted in batches, each its own short write, so prompts being claimed and recorded
// meanwhile wait for one batch at most, never for the whole prune.
[DisallowConcurrentExecution]
internal sealed partial class OutboxPruneJob(OutboxStore outbox, TimeProvider time, ILogger<OutboxPruneJob> logger) : IJob
{
    public static readonly JobKey Key = new("outbox-prune");

    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(30);

    public const int BatchSize = 1000;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await PruneAsync(cancellationToken);

    /// <returns>The number of rows deleted.</returns>
    public async Task<int> PruneAsync(CancellationToken cancellationToken, int batchSize = BatchSize)
    {
        var before = time.GetUtcNow().UtcDateTime - KeepFor;
        var pruned = 0;
        int batch;
        do
        {
            batch = await outbox.PruneFinishedAsync(before, batchSize, cancellationToken);
            pruned += batch;
        }
        while (batch == batchSize);

        if (pruned > 0)
        {
            LogPruned(pruned, (int)KeepFor.TotalDays);
        }

        return pruned;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} outbox messages sent, failed or unreachable more than {Days} days ago")]
    private partial void LogPruned(int count, int days);
}

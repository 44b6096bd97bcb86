using Dapper;
using Prometheus;
using StudyBot.Data;
using StudyBot.Outbox;

namespace StudyBot.Hosting;

// What an operator watches on /metrics. Each host has its own registry (a process normally runs
// one; tests run many side by side); outbox depth and delivery lag are read when scraped, at most
// once every few seconds however often that is.
internal sealed class BotMetrics
{
    public BotMetrics(Database database, TimeProvider time)
    {
        Outbox = new RecentRead<(long Depth, DateTime? OldestClaimedUtc)>(cancellationToken => ReadOutboxAsync(database, cancellationToken), time);
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        UpdatesHandled = factory.CreateCounter("studybot_updates_handled_total", "Telegram updates handled");
        UpdatesSetAside = factory.CreateCounter("studybot_updates_set_aside_total", "Telegram updates set aside after failing, never to be replayed");
        MessagesSent = factory.CreateCounter("studybot_messages_sent_total", "Messages sent to Telegram, by outcome", "outcome");
        var outboxDepth = factory.CreateGauge("studybot_outbox_depth", "Outbox messages waiting to be sent");
        var deliveryLag = factory.CreateGauge("studybot_delivery_lag_seconds", "Age of the oldest daily prompt claimed but not yet sent");

        Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            var (depth, oldestClaimedUtc) = await Outbox.GetAsync(cancellationToken);
            outboxDepth.Set(depth);
            deliveryLag.Set(oldestClaimedUtc is { } claimed ? Math.Max(0, (time.GetUtcNow().UtcDateTime - claimed).TotalSeconds) : 0);
        });
    }

    public CollectorRegistry Registry { get; }

    public RecentRead<(long Depth, DateTime? OldestClaimedUtc)> Outbox { get; }

    private static async Task<(long Depth, DateTime? OldestClaimedUtc)> ReadOutboxAsync(Database database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string depth = $"SELECT COUNT(*) FROM outbox WHERE status IN ('{OutboxStore.Status.Pending}', '{OutboxStore.Status.Claimed}')";
        var count = await connection.ExecuteScalarAsync<long>(depth, commandTimeout: Database.CommandTimeoutSeconds);

        const string oldest = $"SELECT MIN(created_utc) FROM outbox WHERE kind = '{OutboxStore.Kind.Prompt}' AND status IN ('{OutboxStore.Status.Pending}', '{OutboxStore.Status.Claimed}')";
        return (count, await connection.ExecuteScalarAsync<DateTime?>(oldest, commandTimeout: Database.CommandTimeoutSeconds));
    }

    public Counter UpdatesHandled { get; }

    public Counter UpdatesSetAside { get; }

    public Counter MessagesSent { get; }
}

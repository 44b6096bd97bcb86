using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;
using StudyBot.Data;

namespace StudyBot.Telegram;

// What an operator watches on /metrics. Counters are process-wide (prometheus-net's registry);
// outbox depth and delivery lag are read from the database when scraped.
public static class BotMetrics
{
    public static readonly Counter UpdatesHandled = Metrics.CreateCounter(
        "studybot_updates_handled_total", "Telegram updates handled");

    public static readonly Counter MessagesSent = Metrics.CreateCounter(
        "studybot_messages_sent_total", "Messages sent to Telegram, by outcome", "outcome");

    private static readonly Gauge OutboxDepth = Metrics.CreateGauge(
        "studybot_outbox_depth", "Outbox messages waiting to be sent");

    private static readonly Gauge DeliveryLag = Metrics.CreateGauge(
        "studybot_delivery_lag_seconds", "Age of the oldest daily prompt claimed but not yet sent");

    // Services are resolved at scrape time: registration happens before settings are validated.
    public static void Register(IServiceProvider services) =>
        Metrics.DefaultRegistry.AddBeforeCollectCallback(async cancellationToken =>
        {
            var database = services.GetRequiredService<Database>();
            var time = services.GetRequiredService<TimeProvider>();
            await using var connection = await database.OpenAsync(cancellationToken);
            const string depth = "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'claimed')";
            OutboxDepth.Set(await connection.ExecuteScalarAsync<long>(new CommandDefinition(depth, cancellationToken: cancellationToken)));

            const string oldest = "SELECT MIN(created_utc) FROM outbox WHERE kind = 'prompt' AND status IN ('pending', 'claimed')";
            var since = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(oldest, cancellationToken: cancellationToken));
            DeliveryLag.Set(since is { } claimed ? Math.Max(0, (time.GetUtcNow().UtcDateTime - claimed).TotalSeconds) : 0);
        });
}

using Dapper;
using Quartz;
using StudyBot.Data;

namespace StudyBot.Hosting;

// /healthz: the database answers and the scheduler that drives deliveries is running. Open to
// anyone who can reach it (a load balancer probes it): it says only ok or what is wrong, and asks
// the database at most once every few seconds.
internal sealed class HealthCheck(Database database, ISchedulerFactory schedulers, TimeProvider time)
{
    public RecentRead<bool> DatabaseAnswers { get; } = new(cancellationToken => PingAsync(database, cancellationToken), time);

    /// <returns>null when healthy, else what is wrong.</returns>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        if (!await DatabaseAnswers.GetAsync(cancellationToken))
        {
            return "database unreachable";
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        return await scheduler.GetStatus(cancellationToken) == SchedulerStatus.Running ? null : "scheduler not running";
    }

    private static async Task<bool> PingAsync(Database database, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteScalarAsync<long>("SELECT 1", commandTimeout: Database.CommandTimeoutSeconds);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }
}

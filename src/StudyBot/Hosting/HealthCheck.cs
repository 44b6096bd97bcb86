using Dapper;
using Quartz;
using StudyBot.Data;

namespace StudyBot.Hosting;

// /healthz: the database answers and the scheduler that drives deliveries is running.
internal sealed class HealthCheck(Database database, ISchedulerFactory schedulers)
{
    /// <returns>null when healthy, else what is wrong.</returns>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteScalarAsync<long>("SELECT 1", commandTimeout: Database.CommandTimeoutSeconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return "database unreachable";
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        return await scheduler.GetStatus(cancellationToken) == SchedulerStatus.Running ? null : "scheduler not running";
    }
}

using Dapper;
using StudyBot.Configuration;
using StudyBot.Data;

namespace StudyBot.Hosting;

// Work that instances sharing one PostgreSQL must take turns at (migrations, loading the shipped
// packs): a session advisory lock, released with the connection even if the process dies.
// On SQLite one process owns the file, so the work just runs.
internal static class AdvisoryLock
{
    public static async Task RunExclusivelyAsync(Database database, long lockKey, Func<Task> work, CancellationToken cancellationToken)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            await work();
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT pg_advisory_lock(@Key)", new { Key = lockKey, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
        try
        {
            await work();
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@Key)", new { Key = lockKey, CancellationToken = CancellationToken.None }, commandTimeout: Database.CommandTimeoutSeconds);
        }
    }
}

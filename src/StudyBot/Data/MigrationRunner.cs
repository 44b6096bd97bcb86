using System.Globalization;
using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;
using StudyBot.Configuration;

namespace StudyBot.Data;

// A forward-only runner of the numbered .sql files embedded under Data/Migrations/<provider>.
// Chosen over DbUp: about fifty lines, no extra package, and it records each version in the
// same transaction as its script, so a crash mid-migration leaves nothing half-applied.
// Instances sharing one PostgreSQL call it under AdvisoryLock (Hosting), so two never migrate at once.
internal sealed partial class MigrationRunner(Database database, TimeProvider time, ILogger<MigrationRunner> logger)
{
    // upToVersion: a database as an earlier release left it, for the tests of an upgrade.
    public async Task<int> ApplyPendingAsync(CancellationToken cancellationToken, long upToVersion = long.MaxValue)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        string createJournal;
        if (database.Provider == DatabaseProvider.Postgres)
        {
            createJournal = """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT NOT NULL PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_utc TIMESTAMPTZ NOT NULL
                );
                """;
        }
        else
        {
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;", commandTimeout: Database.CommandTimeoutSeconds);
            createJournal = """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER NOT NULL PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_utc TEXT NOT NULL
                );
                """;
        }

        await connection.ExecuteAsync(createJournal, commandTimeout: Database.CommandTimeoutSeconds);

        const string selectApplied = "SELECT version FROM schema_migrations";
        var applied = (await connection.QueryAsync<long>(selectApplied, commandTimeout: Database.CommandTimeoutSeconds)).ToHashSet();

        var count = 0;
        foreach (var migration in Discover(database.Provider).Where(m => !applied.Contains(m.Version) && m.Version <= upToVersion))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(migration.Sql, transaction: transaction, commandTimeout: Database.CommandTimeoutSeconds);

            const string record = "INSERT INTO schema_migrations (version, name, applied_utc) VALUES (@Version, @Name, @AppliedUtc)";
            await connection.ExecuteAsync(record, new { migration.Version, migration.Name, AppliedUtc = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            await transaction.CommitAsync(cancellationToken);
            LogApplied(migration.Name);
            count++;
        }

        return count;
    }

    private static IEnumerable<Migration> Discover(DatabaseProvider provider)
    {
        var prefix = $"StudyBot.Data.Migrations.{provider}.";
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name =>
            {
                var fileName = name[prefix.Length..];
                var number = fileName[..fileName.IndexOf('_', StringComparison.Ordinal)];
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                return new Migration(long.Parse(number, CultureInfo.InvariantCulture), fileName, reader.ReadToEnd());
            })
            .OrderBy(m => m.Version);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Name}")]
    private partial void LogApplied(string name);

    private sealed record Migration(long Version, string Name, string Sql);
}

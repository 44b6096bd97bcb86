using System.Globalization;
using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;

namespace StudyBot.Data;

// A forward-only runner of the numbered .sql files embedded under Data/Migrations.
// Chosen over DbUp: about fifty lines, no extra package, and it records each version in the
// same transaction as its script, so a crash mid-migration leaves nothing half-applied.
public sealed partial class MigrationRunner(Database database, TimeProvider time, ILogger<MigrationRunner> logger)
{
    private const string ResourcePrefix = "StudyBot.Data.Migrations.";

    public async Task<int> ApplyPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL;", cancellationToken: cancellationToken));

        const string createJournal = """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                applied_utc TEXT NOT NULL
            );
            """;
        await connection.ExecuteAsync(new CommandDefinition(createJournal, cancellationToken: cancellationToken));

        const string selectApplied = "SELECT version FROM schema_migrations";
        var applied = (await connection.QueryAsync<long>(new CommandDefinition(selectApplied, cancellationToken: cancellationToken))).ToHashSet();

        var count = 0;
        foreach (var migration in Discover().Where(m => !applied.Contains(m.Version)))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));

            const string record = "INSERT INTO schema_migrations (version, name, applied_utc) VALUES (@Version, @Name, @AppliedUtc)";
            await connection.ExecuteAsync(new CommandDefinition(
                record,
                new { migration.Version, migration.Name, AppliedUtc = time.GetUtcNow().UtcDateTime },
                transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            LogApplied(migration.Name);
            count++;
        }

        return count;
    }

    private static IEnumerable<Migration> Discover()
    {
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name =>
            {
                var fileName = name[ResourcePrefix.Length..];
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

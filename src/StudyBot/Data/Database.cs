using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;

namespace StudyBot.Data;

// The one way to open a connection; stores ask for one per unit of work and dispose it (pooled).
public sealed class Database
{
    private readonly string connectionString;

    public Database(IOptions<DatabaseOptions> options)
    {
        var builder = new SqliteConnectionStringBuilder(options.Value.ConnectionString)
        {
            Pooling = true,
            DefaultTimeout = 30,
        };
        EnsureDirectoryExists(builder.DataSource);
        connectionString = builder.ToString();
        DataSource = builder.DataSource;
        UtcDateTimeHandler.Register();
    }

    public string DataSource { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    // SQLite: BEGIN IMMEDIATE takes the write lock up front, so concurrent writers wait in turn
    // instead of failing with SQLITE_BUSY when a deferred transaction tries to upgrade.
    public static Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.BeginTransactionAsync(cancellationToken).AsTask();

    private static void EnsureDirectoryExists(string dataSource)
    {
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}

using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using StudyBot.Configuration;

namespace StudyBot.Data;

// The one way to reach the database: the engine's dialect, connections for reads (on SQLite from
// SqliteReaderPool; WAL lets reads run beside a write) and writes through the GroupCommitWriter.
internal sealed class Database : IAsyncDisposable
{
    // Every statement's limit, passed on each call: the generated data access (Data/DapperAot.cs)
    // would otherwise set 0, which both drivers read as no limit at all.
    public const int CommandTimeoutSeconds = 30;

    // PostgreSQL: a few writers, so a claim of outbox rows need not wait behind a group of send
    // results; SQLite allows one writer at a time anyway.
    private const int PostgresWriters = 4;

    private readonly string connectionString;
    private readonly NpgsqlDataSource? postgres;
    private readonly SqliteReaderPool? sqliteReaders;
    private readonly GroupCommitWriter writer;

    public Database(IOptions<DatabaseOptions> options)
    {
        Provider = options.Value.Provider;
        if (Provider == DatabaseProvider.Postgres)
        {
            // Instants are timestamptz and read back as UTC whatever the server's zone; UTC for the
            // session as well, so a literal in an operator's ad hoc query means what it says.
            // Statements used again and again are prepared on the server once per connection.
            var builder = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString) { Timezone = "UTC", MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 };
            connectionString = builder.ToString();
            DataSource = $"{builder.Host}/{builder.Database}";
            postgres = NpgsqlDataSource.Create(connectionString);
            writer = new GroupCommitWriter(async () => await postgres.OpenConnectionAsync(), PostgresWriters);
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(options.Value.ConnectionString)
            {
                Pooling = true,
                DefaultTimeout = CommandTimeoutSeconds,
            };
            EnsureDirectoryExists(builder.DataSource);
            connectionString = builder.ToString();
            DataSource = builder.DataSource;
            sqliteReaders = new SqliteReaderPool(connectionString);

            // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the write lock is taken up front.
            writer = new GroupCommitWriter(OpenSqliteWriterAsync, writerCount: 1);
        }

        Dialect = SqlDialect.For(Provider);
    }

    public DatabaseProvider Provider { get; }

    public SqlDialect Dialect { get; }

    // For logs and health: the file, or host/database. Never the password.
    public string DataSource { get; }

    // Dispose the connection when done, as usual: on SQLite it goes back to the reader pool.
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        postgres is not null
            ? await postgres.OpenConnectionAsync(cancellationToken)
            : await sqliteReaders!.OpenAsync(cancellationToken);

    // A PostgreSQL connection of its own, never pooled: session state (an advisory lock) ends with it,
    // and with the process if it dies.
    public async Task<DbConnection> OpenSessionAsync(CancellationToken cancellationToken)
    {
        if (postgres is null)
        {
            throw new InvalidOperationException("Sessions are a PostgreSQL feature");
        }

        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    // Runs `work` inside a write transaction and returns once that transaction is committed.
    // What the token does to a queued write: GroupCommitWriter.WriteAsync.
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        writer.WriteAsync(work, cancellationToken);

    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await work(connection, transaction);
            return true;
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await writer.DisposeAsync();
        sqliteReaders?.Dispose();
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }
    }

    // The writer keeps 4 MB of pages, not the readers' 512 KB: a sweep batch of 500 claims touches
    // a page of the (group, day) index for nearly every learner, since the members of thousands of
    // groups come due together, and with the smaller cache those pages were spilled to the WAL
    // mid-transaction and read back (groupsweep, 10,000 groups: a sixth less bot CPU per claim).
    // The cache fills only with pages the writer touches; 8 MB cost the replies bench 6 MB at its
    // peak, 4 MB costs it about 1 MB.
    private async Task<DbConnection> OpenSqliteWriterAsync()
    {
        var connection = new CachingSqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var cacheSize = connection.CreateCommand();
        cacheSize.CommandText = "PRAGMA cache_size = -4096";
        await cacheSize.ExecuteNonQueryAsync();
        return connection;
    }

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

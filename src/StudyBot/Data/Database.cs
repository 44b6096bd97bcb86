using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using StudyBot.Configuration;

namespace StudyBot.Data;

// The one way to reach the database. Reads open a pooled connection each.
// On SQLite (WAL lets reads run beside a write) writes are queued to one writer that commits
// whatever is waiting in one transaction (group commit): SQLite allows one writer at a time
// anyway, so instead of many connections contending for the lock and each paying for its own sync
// to disk, a burst of a thousand reflections costs a handful of commits. Each unit of work runs in
// its own savepoint, so one failing never undoes another.
// PostgreSQL takes many writers, but one per instance committing in groups still pays one WAL flush
// per group instead of one per write, and keeps the instance's own writes from deadlocking each other.
public sealed class Database : IAsyncDisposable
{
    private const int MaxBatch = 512;

    // Two transactions that deadlock or fail to serialize are rolled back whole; running the unit
    // again is safe, since nothing of it was committed.
    private const int PostgresAttempts = 3;

    // Open SQLite read connections kept with their prepared statements (CachingSqliteConnection);
    // more readers than this at once get a connection that closes when they are done.
    private const int MaxIdleReaders = 8;

    // Every statement's limit, passed on each call: the generated data access (Data/DapperAot.cs)
    // would otherwise set 0, which both drivers read as no limit at all.
    public const int CommandTimeoutSeconds = 30;

    private readonly string connectionString;
    private readonly NpgsqlDataSource? postgres;
    // PostgreSQL: a few writers, so a claim of outbox rows need not wait behind a group of send
    // results; SQLite allows one writer at a time anyway.
    private const int PostgresWriters = 4;

    private readonly Channel<IWrite> writes = Channel.CreateUnbounded<IWrite>();
    private readonly Lazy<Task> writer;
    private readonly ConcurrentStack<CachingSqliteConnection> idleReaders = new();
    private int idleCount;
    private bool disposed;

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
        }

        Dialect = SqlDialect.For(Provider);
        var writerCount = Provider == DatabaseProvider.Postgres ? PostgresWriters : 1;
        writer = new Lazy<Task>(() => Task.WhenAll(Enumerable.Range(0, writerCount).Select(_ => Task.Run(WriteLoopAsync))));
    }

    public DatabaseProvider Provider { get; }

    public SqlDialect Dialect { get; }

    // For logs and health: the file, or host/database. Never the password.
    public string DataSource { get; }

    // Dispose the connection when done, as usual: on SQLite it goes back to the idle list.
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (postgres is not null)
        {
            return await postgres.OpenConnectionAsync(cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (idleReaders.TryPop(out var idle))
        {
            Interlocked.Decrement(ref idleCount);
            return idle;
        }

        var connection = new CachingSqliteConnection(connectionString, GiveBack);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private bool GiveBack(CachingSqliteConnection connection)
    {
        if (Volatile.Read(ref disposed) || Interlocked.Increment(ref idleCount) > MaxIdleReaders)
        {
            Interlocked.Decrement(ref idleCount);
            return false;
        }

        idleReaders.Push(connection);
        return true;
    }

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
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new Write<T>(work);
        ObjectDisposedException.ThrowIf(!writes.Writer.TryWrite(write), this);

        _ = writer.Value;
        return write.Result.Task;
    }

    // Work that instances sharing one PostgreSQL must take turns at (migrations, loading the shipped
    // packs): a session advisory lock, released with the connection even if the process dies.
    // On SQLite one process owns the file.
    public async Task RunExclusivelyAsync(long lockKey, Func<Task> work, CancellationToken cancellationToken)
    {
        if (postgres is null)
        {
            await work();
            return;
        }

        await using var connection = await postgres.OpenConnectionAsync(cancellationToken);
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

    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await work(connection, transaction);
            return true;
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        writes.Writer.TryComplete();
        if (writer.IsValueCreated)
        {
            await writer.Value;
        }

        Volatile.Write(ref disposed, true);
        while (idleReaders.TryPop(out var idle))
        {
            idle.CloseForGood();
        }

        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }
    }

    private async Task WriteLoopAsync()
    {
        DbConnection? connection = null;
        DbCommand? savepoint = null;
        DbCommand? release = null;
        var batch = new List<IWrite>(MaxBatch);
        try
        {
            while (await writes.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Count < MaxBatch && writes.Reader.TryRead(out var write))
                {
                    batch.Add(write);
                }

                try
                {
                    if (connection is null)
                    {
                        connection = await OpenWriterAsync();

                        // Two statements run around every unit of a group: prepared once, not once per unit.
                        savepoint = connection.CreateCommand();
                        savepoint.CommandText = "SAVEPOINT unit";
                        release = connection.CreateCommand();
                        release.CommandText = "RELEASE unit";
                    }

                    await CommitBatchAsync(batch, connection, savepoint!, release!);
                }
                catch (Exception e)
                {
                    foreach (var write in batch)
                    {
                        write.Fail(e);
                    }

                    // A PostgreSQL session can break (a server restart, the network): the next batch gets a new one.
                    if (connection is not null && connection.State != System.Data.ConnectionState.Open)
                    {
                        await DisposeAllAsync(savepoint, release, connection);
                        connection = null;
                    }
                }
            }
        }
        finally
        {
            await DisposeAllAsync(savepoint, release, connection);
        }
    }

    // SQLite: BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default), the write lock taken up front.
    // PostgreSQL: a pooled connection kept by this writer for as long as it works.
    private async Task<DbConnection> OpenWriterAsync()
    {
        if (postgres is not null)
        {
            return await postgres.OpenConnectionAsync();
        }

        var connection = new CachingSqliteConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task CommitBatchAsync(List<IWrite> batch, DbConnection connection, DbCommand savepoint, DbCommand release)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var succeeded = new List<IWrite>(batch.Count);
        if (batch.Count == 1)
        {
            // Alone in its transaction: a failure rolls the transaction back, no savepoint needed.
            await batch[0].RunAsync(connection, transaction);
            succeeded.Add(batch[0]);
        }
        else
        {
            savepoint.Transaction = release.Transaction = transaction;
            foreach (var write in batch)
            {
                for (var attempt = 1; ; attempt++)
                {
                    await savepoint.ExecuteNonQueryAsync();
                    try
                    {
                        await write.RunAsync(connection, transaction);
                        await release.ExecuteNonQueryAsync();
                        succeeded.Add(write);
                        break;
                    }
                    catch (Exception e)
                    {
                        await connection.ExecuteAsync("ROLLBACK TO unit; RELEASE unit", transaction: transaction, commandTimeout: Database.CommandTimeoutSeconds);

                        // Another instance's writer can deadlock with this one on PostgreSQL; the unit
                        // was rolled back whole, so running it again is safe.
                        if (e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } && attempt < PostgresAttempts)
                        {
                            continue;
                        }

                        write.Fail(e);
                        break;
                    }
                }
            }
        }

        await transaction.CommitAsync();
        foreach (var write in succeeded)
        {
            write.Complete();
        }
    }

    private static async Task DisposeAllAsync(params IAsyncDisposable?[] disposables)
    {
        foreach (var disposable in disposables)
        {
            if (disposable is not null)
            {
                await disposable.DisposeAsync();
            }
        }
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

    private interface IWrite
    {
        Task RunAsync(DbConnection connection, DbTransaction transaction);

        void Complete();

        void Fail(Exception exception);
    }

    private sealed class Write<T>(Func<DbConnection, DbTransaction, Task<T>> work) : IWrite
    {
        private T? value;

        public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task RunAsync(DbConnection connection, DbTransaction transaction) => value = await work(connection, transaction);

        public void Complete() => Result.TrySetResult(value!);

        public void Fail(Exception exception) => Result.TrySetException(exception);
    }
}

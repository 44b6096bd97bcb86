using System.Data.Common;
using System.Threading.Channels;
using Dapper;
using Npgsql;

namespace StudyBot.Data;

// Writes are queued to a few writer loops (one on SQLite), each committing whatever is waiting in
// one transaction (group commit). SQLite allows one writer at a time anyway, so instead of many
// connections contending for the lock and each paying for its own sync to disk, a burst of a
// thousand reflections costs a handful of commits. PostgreSQL takes many writers, but a few
// committing in groups pay one WAL flush per group instead of one per write. Each unit of a group
// runs in its own savepoint, so one failing never undoes another.
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    private const int MaxBatch = 512;

    // Two transactions that deadlock or fail to serialize (another instance's writer, on
    // PostgreSQL) are rolled back; running the unit again is safe, since nothing of it was committed.
    private const int Attempts = 3;

    private readonly Channel<IWrite> writes = Channel.CreateUnbounded<IWrite>();
    private readonly Func<Task<DbConnection>> openConnection;
    private readonly Lazy<Task> loops;

    public GroupCommitWriter(Func<Task<DbConnection>> openConnection, int writerCount)
    {
        this.openConnection = openConnection;
        loops = new Lazy<Task>(() => Task.WhenAll(Enumerable.Range(0, writerCount).Select(_ => Task.Run(WriteLoopAsync))));
    }

    // The token is looked at only here, before the write is queued. A queued write runs whatever
    // happens to the token afterwards, and the returned task tells its outcome: committed, or
    // failed with the unit rolled back alone. A unit whose commands carry the token fails with
    // OperationCanceledException once it is cancelled, and that is rolled back like any failure.
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new Write<T>(work);
        ObjectDisposedException.ThrowIf(!writes.Writer.TryWrite(write), this);

        _ = loops.Value;
        return write.Result.Task;
    }

    // Finishes what is queued, then stops.
    public async ValueTask DisposeAsync()
    {
        writes.Writer.TryComplete();
        if (loops.IsValueCreated)
        {
            await loops.Value;
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
                        connection = await openConnection();

                        // Two statements run around every unit of a group: prepared once, not once per unit.
                        savepoint = connection.CreateCommand();
                        savepoint.CommandText = "SAVEPOINT unit";
                        release = connection.CreateCommand();
                        release.CommandText = "RELEASE unit";
                    }

                    if (batch.Count == 1)
                    {
                        await CommitAloneAsync(batch[0], connection);
                    }
                    else
                    {
                        await CommitGroupAsync(batch, connection, savepoint!, release!);
                    }
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

    // Alone in its transaction: a failure rolls the transaction back, no savepoint needed.
    private static async Task CommitAloneAsync(IWrite write, DbConnection connection)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await write.RunAsync(connection, transaction);
                await transaction.CommitAsync();
                write.Complete();
                return;
            }
            catch (Exception e) when (IsWorthRetrying(e) && attempt < Attempts)
            {
            }
        }
    }

    private static async Task CommitGroupAsync(List<IWrite> batch, DbConnection connection, DbCommand savepoint, DbCommand release)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var succeeded = new List<IWrite>(batch.Count);
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
                    if (IsWorthRetrying(e) && attempt < Attempts)
                    {
                        continue;
                    }

                    write.Fail(e);
                    break;
                }
            }
        }

        await transaction.CommitAsync();
        foreach (var write in succeeded)
        {
            write.Complete();
        }
    }

    private static bool IsWorthRetrying(Exception e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

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

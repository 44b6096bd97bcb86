using System.Collections.Concurrent;

namespace StudyBot.Data;

// Microsoft.Data.Sqlite pools the native connection but not the prepared statements on it (they die
// with each connection object), so this keeps a few open connection objects, each with its prepared
// statements (CachingSqliteConnection), for the reads.
internal sealed class SqliteReaderPool(string connectionString) : IDisposable
{
    // More readers than this at once get a connection that closes when they are done.
    private const int MaxIdleReaders = 8;

    private readonly ConcurrentStack<CachingSqliteConnection> idleReaders = new();
    private int idleCount;
    private bool disposed;

    // Dispose the connection when done, as usual: it comes back here.
    public async Task<CachingSqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
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

    public void Dispose()
    {
        Volatile.Write(ref disposed, true);
        while (idleReaders.TryPop(out var idle))
        {
            idle.CloseForGood();
        }
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
}

namespace StudyBot.Hosting;

// A database read shared by every caller for a few seconds: /healthz and /metrics are open to
// whoever can reach them, and a flood of requests must not become a flood of connections. Callers
// that arrive while the read runs wait for that same read; its failure is shared as well, for the
// same interval. The age is measured on the TimeProvider: real time in production, the fake clock
// in the tests.
internal sealed class RecentRead<T>(Func<CancellationToken, Task<T>> read, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private Task<T>? current;
    private long startedAt;
    private long reads;

    // How many times the database was read: what the tests count.
    public long Reads => Interlocked.Read(ref reads);

    public Task<T> GetAsync(CancellationToken cancellationToken)
    {
        Task<T> shared;
        lock (gate)
        {
            if (current is null || (current.IsCompleted && time.GetElapsedTime(startedAt) >= MaxAge))
            {
                startedAt = time.GetTimestamp();
                Interlocked.Increment(ref reads);

                // Not the caller's token: one caller going away must not fail the read for the others.
                current = read(CancellationToken.None);
            }

            shared = current;
        }

        return shared.WaitAsync(cancellationToken);
    }
}

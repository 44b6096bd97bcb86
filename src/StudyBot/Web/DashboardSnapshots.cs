using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StudyBot.Web;

// A dashboard reads the group's whole range: for 1,000 members over 90 days that is 90,000
// deliveries and a fifth of a second of CPU (more on PostgreSQL), and organizers keep the page open
// and refresh it, many at once. So each (group, range) is computed once and its JSON kept:
// - younger than FreshFor, it is served as it is;
// - older, but younger than ShownWhileRefreshing, it is still served while one recomputation runs
//   in the background, so an open dashboard never waits;
// - older still (a page opened after a pause), the request waits for the recomputation.
// A dashboard is therefore about FreshFor behind the group while it is watched, on every instance
// alike. The organizer's own acts (a nudge) drop the group's answers at once. At most
// ConcurrentComputations run at once, which bounds the memory many groups' dashboards take
// together; an answer nobody read for KeptUnread is let go.
internal sealed partial class DashboardSnapshots(TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DashboardSnapshots> logger) : IDisposable
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan ShownWhileRefreshing = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan KeptUnread = TimeSpan.FromMinutes(10);
    private const int ConcurrentComputations = 2;

    private readonly ConcurrentDictionary<(long GroupId, DateOnly From, DateOnly To), Lazy<Snapshot>> snapshots = new();
    private readonly SemaphoreSlim computing = new(ConcurrentComputations);

    public async Task<StoredJson> GetAsync(long groupId, DateOnly from, DateOnly to, Func<CancellationToken, Task<byte[]>> compute, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = (groupId, from, to);
        var added = false;
        var lazy = snapshots.GetOrAdd(key, _ => new Lazy<Snapshot>(() =>
        {
            added = true;
            return new Snapshot(ComputeAsync(compute), now.UtcTicks);
        }));
        var snapshot = lazy.Value;
        Volatile.Write(ref snapshot.LastReadTicks, now.UtcTicks);
        if (added)
        {
            LetGoUnread(now);
        }

        var (answer, computedAtTicks) = snapshot.Current;
        var age = TimeSpan.FromTicks(now.UtcTicks - computedAtTicks);
        if (answer.IsCompletedSuccessfully && age >= FreshFor)
        {
            var refresh = snapshot.Refresh(() => RefreshAsync(snapshot, compute, now));
            if (age >= ShownWhileRefreshing)
            {
                answer = refresh;
            }
        }

        try
        {
            return await answer.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested && answer.IsFaulted)
        {
            // The next request tries again rather than meeting the same failure for ten minutes.
            snapshots.TryRemove(KeyValuePair.Create(key, lazy));
            throw;
        }
    }

    // After the group changed by the organizer's own hand: the next request computes afresh.
    public void Forget(long groupId)
    {
        foreach (var key in snapshots.Keys.Where(k => k.GroupId == groupId))
        {
            snapshots.TryRemove(key, out _);
        }
    }

    public void Dispose() => computing.Dispose();

    // Completes with the new answer, or with the previous one if the recomputation failed (the
    // next request past FreshFor tries again).
    private async Task<StoredJson> RefreshAsync(Snapshot snapshot, Func<CancellationToken, Task<byte[]>> compute, DateTimeOffset startedAt)
    {
        try
        {
            var answer = await ComputeAsync(compute);
            snapshot.Replace(answer, startedAt.UtcTicks);
            return answer;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRefreshFailed(exception);
            return await snapshot.Current.Answer;
        }
    }

    // Not the request's token: the computation is shared by every request waiting on it.
    private async Task<StoredJson> ComputeAsync(Func<CancellationToken, Task<byte[]>> compute)
    {
        var stopping = lifetime.ApplicationStopping;
        await computing.WaitAsync(stopping);
        try
        {
            return StoredJson.Of(await compute(stopping));
        }
        finally
        {
            computing.Release();
        }
    }

    private void LetGoUnread(DateTimeOffset now)
    {
        foreach (var (key, lazy) in snapshots)
        {
            if (lazy.IsValueCreated && now.UtcTicks - Volatile.Read(ref lazy.Value.LastReadTicks) > KeptUnread.Ticks)
            {
                snapshots.TryRemove(key, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A dashboard could not be recomputed; the previous one is served")]
    private partial void LogRefreshFailed(Exception exception);

    // One (group, range)'s answer: the latest, with when its computation began (what it shows is at
    // least that fresh), and the recomputation running, if any.
    private sealed class Snapshot(Task<StoredJson> first, long computedAtTicks)
    {
        private readonly Lock gate = new();
        private (Task<StoredJson> Answer, long ComputedAtTicks) current = (first, computedAtTicks);
        private Task<StoredJson>? refreshing;

        public long LastReadTicks = computedAtTicks;

        public (Task<StoredJson> Answer, long ComputedAtTicks) Current
        {
            get
            {
                lock (gate)
                {
                    return current;
                }
            }
        }

        public void Replace(StoredJson answer, long computedAtTicks)
        {
            lock (gate)
            {
                current = (Task.FromResult(answer), computedAtTicks);
            }
        }

        // The recomputation already running, or a new one.
        public Task<StoredJson> Refresh(Func<Task<StoredJson>> start)
        {
            lock (gate)
            {
                if (refreshing is null || refreshing.IsCompleted)
                {
                    refreshing = start();
                }

                return refreshing;
            }
        }
    }
}

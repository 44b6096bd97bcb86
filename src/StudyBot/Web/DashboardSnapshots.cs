using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StudyBot.Groups;

namespace StudyBot.Web;

// A dashboard reads the group's whole range: for 1,000 members over 90 days that is 90,000
// deliveries and a fifth of a second of CPU (more on PostgreSQL), and organizers keep the page open
// and refresh it, many at once. So each (group, range) is computed once and its JSON kept:
// - younger than FreshFor, it is served as it is;
// - older, but younger than ShownWhileRefreshing, it is still served while one recomputation runs
//   in the background, so an open dashboard never waits;
// - older still (a page opened after a pause), the request waits for the recomputation.
// A dashboard is therefore about FreshFor behind the group while it is watched, on every instance
// alike. The organizer's own acts (a nudge) and a change of the group's course (settings, calendar,
// pack: GroupCourses.Forget) drop the group's answers at once.
// Ranges are the caller's to choose, so what is kept is bounded: at most RangesPerGroup per group
// and Kept in all, the least recently read let go first, and any nobody read for KeptUnread. At
// most ConcurrentComputations run at once, which bounds the memory they take together, and a
// request that waited QueueLimit for its turn is told the dashboard is busy.
internal sealed partial class DashboardSnapshots : IDisposable
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan ShownWhileRefreshing = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan KeptUnread = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan QueueLimit = TimeSpan.FromSeconds(30);
    private const int ConcurrentComputations = 2;
    private const int RangesPerGroup = 4;
    private const int Kept = 256;

    private readonly ConcurrentDictionary<(long GroupId, DateOnly From, DateOnly To), Lazy<Snapshot>> snapshots = new();
    private readonly SemaphoreSlim computing = new(ConcurrentComputations);

    // Counts reads: which was read last, even when the clock has not moved between them.
    private long reads;
    private readonly TimeProvider time;
    private readonly IHostApplicationLifetime lifetime;
    private readonly ILogger<DashboardSnapshots> logger;

    public DashboardSnapshots(TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DashboardSnapshots> logger, GroupCourses courses)
    {
        this.time = time;
        this.lifetime = lifetime;
        this.logger = logger;
        courses.Forgotten += Forget;
    }

    public async Task<StoredJson> GetAsync(long groupId, DateOnly from, DateOnly to, Func<CancellationToken, Task<byte[]>> compute, CancellationToken cancellationToken)
    {
        // A request already given up starts no computation for nobody.
        cancellationToken.ThrowIfCancellationRequested();
        var now = time.GetUtcNow();
        var key = (groupId, from, to);
        var added = false;
        var lazy = snapshots.GetOrAdd(key, _ => new Lazy<Snapshot>(() =>
        {
            added = true;
            // On the pool: SQLite's reads run synchronously, and every request for this range would
            // otherwise block in Lazy.Value for the whole computation.
            return new Snapshot(Task.Run(() => ComputeAsync(compute)), now.UtcTicks);
        }));
        var snapshot = lazy.Value;
        Volatile.Write(ref snapshot.LastReadTicks, now.UtcTicks);
        Volatile.Write(ref snapshot.ReadOrder, Interlocked.Increment(ref reads));
        if (added)
        {
            LetGoBeyondBounds(key, now);
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

    // After a nudge or a change of the group's course: the next request computes afresh.
    public void Forget(long groupId)
    {
        foreach (var key in snapshots.Keys.Where(k => k.GroupId == groupId))
        {
            snapshots.TryRemove(key, out _);
        }
    }

    public void Dispose() => computing.Dispose();

    // A failed recomputation leaves the previous answer in place: requests within
    // ShownWhileRefreshing still get it and the next one past FreshFor tries again; a request that
    // waited for this one gets the failure, not an answer too old to pass for the group's state.
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
            throw;
        }
    }

    // Not the request's token: the computation is shared by every request waiting on it.
    private async Task<StoredJson> ComputeAsync(Func<CancellationToken, Task<byte[]>> compute)
    {
        var stopping = lifetime.ApplicationStopping;
        if (!await computing.WaitAsync(QueueLimit, stopping))
        {
            throw new DashboardBusyException();
        }

        try
        {
            return StoredJson.Of(await compute(stopping));
        }
        finally
        {
            computing.Release();
        }
    }

    private void LetGoBeyondBounds((long GroupId, DateOnly From, DateOnly To) added, DateTimeOffset now)
    {
        var kept = snapshots
            .Where(s => s.Value.IsValueCreated && !s.Key.Equals(added))
            .Select(s => (s.Key, LastRead: Volatile.Read(ref s.Value.Value.LastReadTicks), Order: Volatile.Read(ref s.Value.Value.ReadOrder)))
            .OrderByDescending(s => s.Order)
            .ToList();
        var ofGroup = 1;
        var inAll = 1;
        foreach (var (key, lastRead, _) in kept)
        {
            var sameGroup = key.GroupId == added.GroupId;
            if (now.UtcTicks - lastRead > KeptUnread.Ticks || inAll >= Kept || (sameGroup && ofGroup >= RangesPerGroup))
            {
                snapshots.TryRemove(key, out _);
                continue;
            }

            inAll++;
            ofGroup += sameGroup ? 1 : 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A dashboard could not be recomputed; the previous one is served for up to a minute")]
    private partial void LogRefreshFailed(Exception exception);

    // One (group, range)'s answer: the latest, with when its computation began (what it shows is at
    // least that fresh), and the recomputation running, if any.
    private sealed class Snapshot(Task<StoredJson> first, long computedAtTicks)
    {
        private readonly Lock gate = new();
        private (Task<StoredJson> Answer, long ComputedAtTicks) current = (first, computedAtTicks);
        private Task<StoredJson>? refreshing;

        public long LastReadTicks = computedAtTicks;

        public long ReadOrder;

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
                    // Started outside the lock: readers of Current must not wait out a computation.
                    refreshing = Task.Run(start);
                }

                return refreshing;
            }
        }
    }
}

// Every computation slot stayed taken for DashboardSnapshots' QueueLimit: the caller is told to
// come back rather than queue without end.
internal sealed class DashboardBusyException() : Exception("Too many dashboards are being computed; try again shortly.");

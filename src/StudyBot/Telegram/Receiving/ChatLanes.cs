using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Hosting;
using StudyBot.Telegram.Routing;
using Telegram.Bot.Types;

namespace StudyBot.Telegram.Receiving;

// Updates of different chats run concurrently; one chat's updates run strictly in order.
// Each chat maps to one lane (a channel read by one loop), so ordering needs no locks.
// An update is queued once however many times it is offered (by a transport and by a replay of
// the inbox). Each handling is counted in the inbox before it starts; one that throws is tried
// again a little later, and after UpdateInbox.MaxAttempts it is set aside (FailedUpdates), so no
// update can fail, or crash the process, forever.
// (Over 300 lines: the lanes, the in-flight window, the webhook's reservations, the replay, the
// retries and the handled marks all keep one set of offered ids consistent; split, that one
// invariant would be spread over several files.)
internal sealed partial class ChatLanes : IAsyncDisposable
{
    // Update id -> settled; false while reserved by the webhook, queued, running or waiting for its
    // next attempt. An id settled (handled or set aside) while a replay holds rows it read is kept
    // until that replay reads again: the rows it holds may have been read just before the mark
    // was written.
    private readonly ConcurrentDictionary<long, bool> offered = new();
    private readonly SemaphoreSlim replaying = new(1, 1);
    private readonly Lock forgetting = new();
    private bool replayHoldsRows;

    // The poller takes new updates only while fewer than this many are waiting or running: what
    // Telegram still holds costs no memory here, and an update taken is answered within a few
    // batches' time instead of behind everything fetched before it.
    public const int MaxInFlight = 200;

    // Until this many updates were handled, one batch at a time: a fresh process compiles its code
    // and opens its connections on its first updates, so a second batch taken meanwhile would only
    // wait behind the first.
    private const int ColdUpdates = 100;

    // A lane's queue: a writer waits while this many of its chats' updates are queued (the poller's
    // MaxInFlight keeps it from getting there in practice).
    private const int LaneCapacity = 256;

    // Handled marks written in one transaction at most.
    private const int MaxMarksPerWrite = 1024;

    // Pauses before an update that threw is tried again (the second and the third attempt): long
    // enough for a database that was briefly away to come back, short enough that the learner is
    // answered within the minute.
    public static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    private readonly Channel<Work>[] lanes;
    private readonly Task[] readers;
    private readonly Channel<long> handled = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task marker;
    private readonly SemaphoreSlim room = new(0, 1);
    private int inFlight;
    private int handledSinceStart;
    private readonly UpdateRouter router;
    private readonly UpdateInbox inbox;
    private readonly FailedUpdates failed;
    private readonly Leadership leadership;
    private readonly BotMetrics metrics;
    private readonly TimeProvider time;
    private readonly ILogger<ChatLanes> logger;
    private readonly CancellationTokenSource stopping = new();

    public ChatLanes(UpdateRouter router, UpdateInbox inbox, FailedUpdates failed, Leadership leadership, BotMetrics metrics, TimeProvider time, IOptions<BotOptions> options, ILogger<ChatLanes> logger)
    {
        this.leadership = leadership;
        this.metrics = metrics;
        this.router = router;
        this.inbox = inbox;
        this.failed = failed;
        this.time = time;
        this.logger = logger;
        lanes = new Channel<Work>[options.Value.UpdateConcurrency];
        readers = new Task[lanes.Length];
        for (var i = 0; i < lanes.Length; i++)
        {
            lanes[i] = Channel.CreateBounded<Work>(new BoundedChannelOptions(LaneCapacity) { SingleReader = true });
            var lane = lanes[i];
            readers[i] = Task.Run(() => ReadLaneAsync(lane));
        }

        marker = Task.Run(MarkHandledAsync);
    }

    // How many updates the poller may take now; waits until at least half of MaxInFlight is free,
    // so it asks for full batches rather than many small ones.
    public async Task<int> WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var limit = Volatile.Read(ref handledSinceStart) < ColdUpdates ? ColdUpdates : MaxInFlight;
            var free = limit - Volatile.Read(ref inFlight);
            if (free >= limit / 2)
            {
                return free;
            }

            await room.WaitAsync(cancellationToken);
        }
    }

    // Waiting or running now (queued in a lane or being handled), not counting updates that wait
    // for their next attempt.
    public int InFlight => Volatile.Read(ref inFlight);

    // Ids held in memory: in flight, reserved, waiting for their next attempt, or settled while a
    // replay holds rows.
    public int Remembered => offered.Count;

    // Updates stored before a crash but never handled go first, in their original order, read a
    // page at a time and only as fast as the lanes make room. Both transports call this before they
    // take new updates; the leader of several instances also calls it to take up updates another
    // instance stored.
    // An update already tried (attempts > 0) was being handled when a process died, maybe because
    // of it: it runs alone, after what this replay queued before it and before anything after, so
    // a crash it causes again is counted against it and not against the updates beside it. (The
    // webhook's own posts are not held back meanwhile; the poller replays before it polls.)
    public async Task ReplayUnhandledAsync(CancellationToken cancellationToken)
    {
        await replaying.WaitAsync(cancellationToken);
        try
        {
            // What this replay queued and has not yet seen finish.
            var queued = new List<Task>();
            long after = 0;
            while (true)
            {
                var room = await WaitForRoomAsync(cancellationToken);
                ForgetSettled(replayHoldsRowsNow: true);
                var page = await inbox.ListUnhandledAsync(after, room, cancellationToken);
                if (page.Count == 0)
                {
                    break;
                }

                foreach (var row in page)
                {
                    after = row.UpdateId;
                    if (row.Update is not { } update)
                    {
                        await SetAsideUnreadableAsync(row, cancellationToken);
                        continue;
                    }

                    if (!TryReserve(update.Id))
                    {
                        continue;
                    }

                    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (row.Attempts == 0)
                    {
                        await QueueAsync(new Work(update, 0, done), cancellationToken);
                        queued.Add(done.Task);
                        continue;
                    }

                    await Task.WhenAll(queued).WaitAsync(cancellationToken);
                    queued.Clear();
                    await QueueAsync(new Work(update, 0, done), cancellationToken);
                    await done.Task.WaitAsync(cancellationToken);
                }

                queued.RemoveAll(t => t.IsCompleted);
            }
        }
        finally
        {
            ForgetSettled(replayHoldsRowsNow: false);
            replaying.Release();
        }
    }

    public ValueTask EnqueueAsync(Update update, CancellationToken cancellationToken) =>
        TryReserve(update.Id) ? QueueAsync(new Work(update, 0, null), cancellationToken) : ValueTask.CompletedTask;

    // The webhook stores an update while InboxFollower replays the inbox beside it, so it takes the
    // id before it stores: a replay reading the inbox in between then leaves the update to it
    // instead of queueing it too, however long the store and the enqueue are apart. (The poller's
    // replay runs in its own loop, never beside its store.) Only the caller that reserved an id
    // queues or releases it, and every reservation ends in one of the two.
    public bool TryReserve(long updateId) => offered.TryAdd(updateId, false);

    public void ReleaseReservation(long updateId) => offered.TryRemove(updateId, out _);

    public ValueTask QueueReservedAsync(Update update, CancellationToken cancellationToken) =>
        QueueAsync(new Work(update, 0, null), cancellationToken);

    private async ValueTask QueueAsync(Work work, CancellationToken cancellationToken)
    {
        var chat = UpdateInbox.ChatOf(work.Update);
        var lane = lanes[(int)((ulong)chat % (ulong)lanes.Length)];
        Interlocked.Increment(ref inFlight);
        try
        {
            await lane.Writer.WriteAsync(work, cancellationToken);
        }
        catch
        {
            // Not queued after all: a later replay must be able to offer it again.
            Interlocked.Decrement(ref inFlight);
            offered.TryRemove(work.Update.Id, out _);
            throw;
        }
    }

    private void Forget(long updateId)
    {
        lock (forgetting)
        {
            if (replayHoldsRows)
            {
                offered[updateId] = true;
            }
            else
            {
                offered.TryRemove(updateId, out _);
            }
        }
    }

    // Called before a replay reads the inbox and when it is done: an id settled by now is out of
    // every page read from here on, and the replay holds no page read earlier.
    private void ForgetSettled(bool replayHoldsRowsNow)
    {
        lock (forgetting)
        {
            replayHoldsRows = replayHoldsRowsNow;
            foreach (var (id, settled) in offered)
            {
                if (settled)
                {
                    offered.TryRemove(new KeyValuePair<long, bool>(id, true));
                }
            }
        }
    }

    // Lets the queued updates finish; what does not finish stays unhandled in the inbox for the next start.
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        foreach (var lane in lanes)
        {
            lane.Writer.TryComplete();
        }

        try
        {
            await Task.WhenAll(readers).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await stopping.CancelAsync();
        }

        handled.Writer.TryComplete();
        await marker.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lane in lanes)
        {
            lane.Writer.TryComplete();
        }

        await stopping.CancelAsync();
        await Task.WhenAll(readers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        handled.Writer.TryComplete();
        await marker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
        room.Dispose();
        replaying.Dispose();
    }

    private async Task ReadLaneAsync(Channel<Work> lane)
    {
        await foreach (var work in lane.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await RunAsync(work);
            }
            finally
            {
                Finished();
                work.Done?.TrySetResult();
            }
        }
    }

    private async Task RunAsync(Work work)
    {
        var update = work.Update;

        // An instance that no longer leads leaves the update in the inbox for the one that does.
        if (!leadership.Elected)
        {
            offered.TryRemove(update.Id, out _);
            return;
        }

        InboxAttempt attempt;
        try
        {
            attempt = await inbox.BeginAttemptAsync(update.Id, stopping.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            // Not counted, so not handled: an uncounted crash could repeat forever.
            LogNotCounted(e, update.Id);
            RetryLater(work);
            return;
        }

        switch (attempt.State)
        {
            case AttemptState.Settled:
                Forget(update.Id);
                return;
            case AttemptState.Exhausted:
                await SetAsideAsync(update, $"The handling did not finish in {UpdateInbox.MaxAttempts} attempts: the process stopped during each");
                return;
        }

        try
        {
            await router.HandleAsync(update, stopping.Token);
            handled.Writer.TryWrite(update.Id);
            metrics.UpdatesHandled.Inc();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e) when (attempt.State == AttemptState.Missing)
        {
            // Its row is gone (the learner's data was deleted meanwhile): nothing to try again from.
            LogFailedUncounted(e, update.Id);
            Forget(update.Id);
            await ApologizeAsync(update);
        }
        catch (Exception e) when (attempt.Number >= UpdateInbox.MaxAttempts)
        {
            LogFailed(e, update.Id, attempt.Number, UpdateInbox.MaxAttempts);
            await SetAsideAsync(update, e.ToString());
        }
        catch (Exception e)
        {
            // Tried again later rather than at once: it may be a reflection, and a database that was
            // briefly unavailable must not lose it.
            LogFailed(e, update.Id, attempt.Number, UpdateInbox.MaxAttempts);
            RetryLater(work);
        }
    }

    // The id stays reserved while the update waits, so no replay queues it beside its retry. An
    // update that could not even be counted that many times is left to the next replay (the next
    // start, or the follower's next look), and its id leaves memory.
    private void RetryLater(Work work)
    {
        if (work.Retries >= RetryDelays.Length)
        {
            LogLeftInInbox(work.Update.Id);
            offered.TryRemove(work.Update.Id, out _);
            return;
        }

        _ = RetryAsync(new Work(work.Update, work.Retries + 1, null), RetryDelays[work.Retries]);
    }

    private async Task RetryAsync(Work work, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, time, stopping.Token);
            await QueueAsync(work, stopping.Token);
        }
        catch (Exception)
        {
            // Stopping (the lanes closed or disposed): the update stays pending in the inbox, with
            // its attempts, for the next start.
            offered.TryRemove(work.Update.Id, out _);
        }
    }

    private async Task SetAsideAsync(Update update, string error)
    {
        try
        {
            var setAside = await failed.SetAsideAsync(update.Id, UpdateInbox.ChatOf(update), error, stopping.Token);
            Forget(update.Id);
            if (setAside)
            {
                await ApologizeAsync(update);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            offered.TryRemove(update.Id, out _);
        }
        catch (Exception e)
        {
            // Still pending with its attempts spent: the next replay sets it aside.
            LogSetAsideFailed(e, update.Id);
            offered.TryRemove(update.Id, out _);
        }
    }

    // Not fatal, and not retried: a payload that does not read now will not read later.
    private async Task SetAsideUnreadableAsync(StoredUpdate row, CancellationToken cancellationToken)
    {
        try
        {
            await failed.SetAsideAsync(row.UpdateId, row.ChatId, row.ReadError ?? "The stored payload cannot be read", cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogSetAsideFailed(e, row.UpdateId);
        }
    }

    private void Finished()
    {
        Interlocked.Increment(ref handledSinceStart);
        if (Interlocked.Decrement(ref inFlight) <= MaxInFlight / 2 && room.CurrentCount == 0)
        {
            try
            {
                room.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another update signalled at the same moment.
            }
        }
    }

    // Handled marks are written in groups: whatever finished while the last group was being
    // committed goes into the next one. The mark only keeps an update from being replayed at the
    // next start, so nothing waits for it; an update handled but not yet marked when the process
    // dies is handled again (the stores' unique keys make that harmless).
    private async Task MarkHandledAsync()
    {
        var batch = new List<long>(MaxMarksPerWrite);
        while (await handled.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxMarksPerWrite && handled.Reader.TryRead(out var id))
            {
                batch.Add(id);
            }

            try
            {
                await inbox.MarkHandledAsync(batch, CancellationToken.None);
                foreach (var id in batch)
                {
                    Forget(id);
                }
            }
            catch (Exception e)
            {
                // Not remembered forever either: the next replay finds them pending.
                LogMarkFailed(e, batch.Count);
                foreach (var id in batch)
                {
                    offered.TryRemove(id, out _);
                }
            }
        }
    }

    private async Task ApologizeAsync(Update update)
    {
        try
        {
            await router.ApologizeAsync(update, stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogApologyFailed(e, update.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mark {Count} updates handled; the next replay handles them again")]
    private partial void LogMarkFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the user that update {UpdateId} failed")]
    private partial void LogApologyFailed(Exception exception, long updateId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Update {UpdateId} failed (attempt {Attempt} of {MaxAttempts})")]
    private partial void LogFailed(Exception exception, long updateId, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Update {UpdateId} failed; it is no longer in the inbox, so it is not tried again")]
    private partial void LogFailedUncounted(Exception exception, long updateId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count an attempt of update {UpdateId}; it is tried again later")]
    private partial void LogNotCounted(Exception exception, long updateId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Update {UpdateId} could not be tried again now; it stays in the inbox for the next replay")]
    private partial void LogLeftInInbox(long updateId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not set update {UpdateId} aside; the next replay does")]
    private partial void LogSetAsideFailed(Exception exception, long updateId);

    // Retries counts this process's earlier tries of the update; Done completes when this try ends.
    private readonly record struct Work(Update Update, int Retries, TaskCompletionSource? Done);
}

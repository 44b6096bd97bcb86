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
// Each chat with work has a queue of its own, and a fixed set of workers serves the chats in turn:
// a worker takes the next update (or the next run of plain texts, together) of the chat at the
// front, and puts the chat back at the end if more is queued. So a chat that sends hundreds of
// messages at once holds one worker at a time, and every other chat is served as if it were not
// there. Only a few updates of each chat count against the window the poller fills, and a chat's
// queue is bounded: what arrives beyond it stays in the inbox and is read again once the queue is
// empty. An update is queued once however many times it is offered (by a transport and by a
// replay of the inbox). Each handling is counted in the inbox before it starts; one that throws is tried
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

    // A chat's queued updates count against MaxInFlight up to this many: one chat's backlog must not
    // stop the poller from fetching everyone else's updates.
    private const int CountedPerChat = 2;

    // Updates of one chat held in memory; more stay pending in the inbox until the queue is empty.
    public const int MaxQueuedPerChat = 1000;

    // From this many plain texts waiting at the front of a chat's queue, a worker takes them (up to
    // MaxBurst) together: saved each, confirmed once, instead of one confirmation a second. A person
    // typing a few messages in a row still gets an answer to each.
    private const int BurstSize = 10;
    private const int MaxBurst = 100;

    // Handled marks written in one transaction at most.
    private const int MaxMarksPerWrite = 1024;

    // Pauses before an update that threw is tried again (the second and the third attempt): long
    // enough for a database that was briefly away to come back, short enough that the learner is
    // answered within the minute.
    public static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    private readonly Lock queues = new();
    private readonly Dictionary<long, Queue<Work>> chatQueues = [];
    private readonly HashSet<long> overflowed = [];
    private readonly Channel<long> readyChats = Channel.CreateUnbounded<long>();
    private readonly TaskCompletionSource allDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task[] workers;
    private bool closed;
    private Task overflowReplay = Task.CompletedTask;
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
        workers = [.. Enumerable.Range(0, options.Value.UpdateConcurrency).Select(_ => Task.Run(WorkAsync))];

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

    // Waiting or running now and counted against the window (CountedPerChat of each chat), not
    // counting updates that wait for their next attempt.
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

    private ValueTask QueueAsync(Work work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var chat = UpdateInbox.ChatOf(work.Update);
        bool schedule;
        lock (queues)
        {
            if (closed)
            {
                // Not queued after all: a later replay must be able to offer it again.
                offered.TryRemove(work.Update.Id, out _);
                throw new ChannelClosedException();
            }

            if (!chatQueues.TryGetValue(chat, out var queue))
            {
                chatQueues[chat] = queue = new Queue<Work>();
            }

            if (queue.Count >= MaxQueuedPerChat)
            {
                // Stored and pending in the inbox: read again when this chat's queue is empty.
                if (overflowed.Add(chat))
                {
                    LogChatQueueFull(chat, MaxQueuedPerChat);
                }

                offered.TryRemove(work.Update.Id, out _);
                work.Done?.TrySetResult();
                return ValueTask.CompletedTask;
            }

            queue.Enqueue(work);
            if (queue.Count <= CountedPerChat)
            {
                Interlocked.Increment(ref inFlight);
            }

            // A chat is in the ready list once at most: a worker that finds more queued puts it back.
            schedule = queue.Count == 1;
        }

        if (schedule)
        {
            readyChats.Writer.TryWrite(chat);
        }

        return ValueTask.CompletedTask;
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
        Close();
        try
        {
            await allDrained.Task.WaitAsync(cancellationToken);
            readyChats.Writer.TryComplete();
            await Task.WhenAll(workers).WaitAsync(cancellationToken);
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
        Close();
        readyChats.Writer.TryComplete();
        await stopping.CancelAsync();
        await Task.WhenAll(workers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await overflowReplay.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        handled.Writer.TryComplete();
        await marker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
        room.Dispose();
        replaying.Dispose();
    }

    // No more updates are taken; the queued ones still run.
    private void Close()
    {
        lock (queues)
        {
            closed = true;
            if (chatQueues.Count == 0)
            {
                allDrained.TrySetResult();
            }
        }
    }

    private async Task WorkAsync()
    {
        await foreach (var chat in readyChats.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            List<Work> taken;
            lock (queues)
            {
                taken = TakeNext(chatQueues[chat]);
            }

            try
            {
                await RunAsync(taken);
            }
            finally
            {
                Finished(chat, taken);
            }
        }
    }

    // The update at the front, or the run of plain texts there if it is long enough to be a burst.
    // What is taken stays in the queue while it runs, so it still counts and the chat is not scheduled twice.
    private static List<Work> TakeNext(Queue<Work> queue)
    {
        var run = new List<Work>();
        foreach (var work in queue)
        {
            if (run.Count == MaxBurst || work.Retries > 0 || !UpdateRouter.IsPlainText(work.Update))
            {
                break;
            }

            run.Add(work);
        }

        return run.Count >= BurstSize ? run : [queue.Peek()];
    }

    // One update, or plain texts of one chat taken together (TakeNext): each attempt is counted
    // before anything is handled, the router handles the one or saves the run and confirms once,
    // and if that throws each update goes its own way as a single failed update would.
    private async Task RunAsync(List<Work> burst)
    {
        // An instance that no longer leads leaves the updates in the inbox for the one that does.
        if (!leadership.Elected)
        {
            foreach (var work in burst)
            {
                offered.TryRemove(work.Update.Id, out _);
            }

            return;
        }

        InboxAttempt[] attempts;
        try
        {
            attempts = await Task.WhenAll(burst.Select(w => inbox.BeginAttemptAsync(w.Update.Id, stopping.Token)));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            // Not counted, so not handled: an uncounted crash could repeat forever.
            LogNotCounted(e, burst[0].Update.Id);
            burst.ForEach(RetryLater);
            return;
        }

        var counted = new List<(Work Work, InboxAttempt Attempt)>(burst.Count);
        for (var i = 0; i < burst.Count; i++)
        {
            switch (attempts[i].State)
            {
                case AttemptState.Settled:
                    Forget(burst[i].Update.Id);
                    break;
                case AttemptState.Exhausted:
                    await SetAsideAsync(burst[i].Update, $"The handling did not finish in {UpdateInbox.MaxAttempts} attempts: the process stopped during each");
                    break;
                default:
                    counted.Add((burst[i], attempts[i]));
                    break;
            }
        }

        if (counted.Count == 0)
        {
            return;
        }

        try
        {
            if (counted.Count == 1)
            {
                await router.HandleAsync(counted[0].Work.Update, stopping.Token);
            }
            else
            {
                await router.HandleBurstAsync([.. counted.Select(c => c.Work.Update)], stopping.Token);
            }

            foreach (var (work, _) in counted)
            {
                handled.Writer.TryWrite(work.Update.Id);
            }

            metrics.UpdatesHandled.Inc(counted.Count);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            foreach (var (work, attempt) in counted)
            {
                await FailedAsync(work, attempt, e);
            }
        }
    }

    private async Task FailedAsync(Work work, InboxAttempt attempt, Exception e)
    {
        var update = work.Update;
        if (attempt.State == AttemptState.Missing)
        {
            // Its row is gone (the learner's data was deleted meanwhile): nothing to try again from.
            LogFailedUncounted(e, update.Id);
            Forget(update.Id);
            await ApologizeAsync(update);
        }
        else if (attempt.Number >= UpdateInbox.MaxAttempts)
        {
            LogFailed(e, update.Id, attempt.Number, UpdateInbox.MaxAttempts);
            await SetAsideAsync(update, e.ToString());
        }
        else
        {
            // Tried again later rather than at once: it may be a reflection, and a database that was
            // briefly unavailable must not lose it.
            LogFailed(e, update.Id, attempt.Number, UpdateInbox.MaxAttempts);
            RetryLater(work);
        }
    }

    // A full queue left updates of a chat pending in the inbox: read it again, one replay after
    // another, never two at once.
    private void ReplayAfterOverflow()
    {
        lock (queues)
        {
            overflowReplay = ReplayQuietlyAsync(overflowReplay);
        }
    }

    private async Task ReplayQuietlyAsync(Task previous)
    {
        await previous;
        try
        {
            await ReplayUnhandledAsync(stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogOverflowReplayFailed(e);
        }
        catch (OperationCanceledException)
        {
            // Stopping: what is pending is read at the next start.
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

    private void Finished(long chat, List<Work> taken)
    {
        bool more;
        bool replayOverflow;
        int released;
        lock (queues)
        {
            var queue = chatQueues[chat];
            var before = queue.Count;
            for (var i = 0; i < taken.Count; i++)
            {
                queue.Dequeue();
            }

            released = Math.Min(before, CountedPerChat) - Math.Min(queue.Count, CountedPerChat);
            more = queue.Count > 0;
            replayOverflow = !more && overflowed.Remove(chat) && !closed;
            if (!more)
            {
                chatQueues.Remove(chat);
                if (closed && chatQueues.Count == 0)
                {
                    allDrained.TrySetResult();
                }
            }
        }

        if (more)
        {
            readyChats.Writer.TryWrite(chat);
        }

        foreach (var work in taken)
        {
            work.Done?.TrySetResult();
        }

        if (replayOverflow)
        {
            ReplayAfterOverflow();
        }

        Interlocked.Add(ref handledSinceStart, taken.Count);
        if (Interlocked.Add(ref inFlight, -released) <= MaxInFlight / 2 && room.CurrentCount == 0)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat {ChatId} has {Count} updates queued; what it sends next waits in the inbox until they are handled")]
    private partial void LogChatQueueFull(long chatId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the inbox again after a full chat queue failed; the next replay reads it")]
    private partial void LogOverflowReplayFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not set update {UpdateId} aside; the next replay does")]
    private partial void LogSetAsideFailed(Exception exception, long updateId);

    // Retries counts this process's earlier tries of the update; Done completes when this try ends.
    private readonly record struct Work(Update Update, int Retries, TaskCompletionSource? Done);
}

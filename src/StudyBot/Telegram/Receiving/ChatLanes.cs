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
// the inbox); one that failed waits in the inbox for the next start rather than being retried in a loop.
// (Over 300 lines: the lanes, the in-flight window, the webhook's reservations, the replay and the
// handled marks all keep one set of offered ids consistent; split, that one invariant would be
// spread over several files.)
internal sealed partial class ChatLanes : IAsyncDisposable
{
    // Update id -> handled; false while reserved by the webhook, queued or running. An id marked
    // handled while a replay runs is kept until the next replay begins: that replay may have read
    // the inbox just before the mark was written.
    private readonly ConcurrentDictionary<long, bool> offered = new();
    private readonly SemaphoreSlim replaying = new(1, 1);

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

    private readonly Channel<Update>[] lanes;
    private readonly Task[] readers;
    private readonly Channel<long> handled = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task marker;
    private readonly SemaphoreSlim room = new(0, 1);
    private int inFlight;
    private int handledSinceStart;
    private readonly UpdateRouter router;
    private readonly UpdateInbox inbox;
    private readonly Leadership leadership;
    private readonly BotMetrics metrics;
    private readonly ILogger<ChatLanes> logger;
    private readonly CancellationTokenSource stopping = new();

    public ChatLanes(UpdateRouter router, UpdateInbox inbox, Leadership leadership, BotMetrics metrics, IOptions<BotOptions> options, ILogger<ChatLanes> logger)
    {
        this.leadership = leadership;
        this.metrics = metrics;
        this.router = router;
        this.inbox = inbox;
        this.logger = logger;
        lanes = new Channel<Update>[options.Value.UpdateConcurrency];
        readers = new Task[lanes.Length];
        for (var i = 0; i < lanes.Length; i++)
        {
            lanes[i] = Channel.CreateBounded<Update>(new BoundedChannelOptions(LaneCapacity) { SingleReader = true });
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

    // Updates stored before a crash but never handled go first, in their original order.
    // Both transports call this before they take new updates; the leader of several instances also
    // calls it to take up updates another instance stored.
    public async Task ReplayUnhandledAsync(CancellationToken cancellationToken)
    {
        await replaying.WaitAsync(cancellationToken);
        try
        {
            // No replay is reading now, so every id marked handled so far is out of the inbox for good.
            foreach (var (id, handledAlready) in offered)
            {
                if (handledAlready)
                {
                    offered.TryRemove(id, out _);
                }
            }

            foreach (var update in await inbox.ListUnhandledAsync(cancellationToken))
            {
                await EnqueueAsync(update, cancellationToken);
            }
        }
        finally
        {
            replaying.Release();
        }
    }

    public ValueTask EnqueueAsync(Update update, CancellationToken cancellationToken) =>
        TryReserve(update.Id) ? QueueReservedAsync(update, cancellationToken) : ValueTask.CompletedTask;

    // The webhook stores an update while InboxFollower replays the inbox beside it, so it takes the
    // id before it stores: a replay reading the inbox in between then leaves the update to it
    // instead of queueing it too, however long the store and the enqueue are apart. (The poller's
    // replay runs in its own loop, never beside its store.) Only the caller that reserved an id
    // queues or releases it, and every reservation ends in one of the two.
    public bool TryReserve(long updateId) => offered.TryAdd(updateId, false);

    public void ReleaseReservation(long updateId) => offered.TryRemove(updateId, out _);

    public async ValueTask QueueReservedAsync(Update update, CancellationToken cancellationToken)
    {
        var chat = UpdateInbox.ChatOf(update);
        var lane = lanes[(int)((ulong)chat % (ulong)lanes.Length)];
        Interlocked.Increment(ref inFlight);
        try
        {
            await lane.Writer.WriteAsync(update, cancellationToken);
        }
        catch
        {
            // Not queued after all: a later replay must be able to offer it again.
            Interlocked.Decrement(ref inFlight);
            offered.TryRemove(update.Id, out _);
            throw;
        }
    }

    private void Forget(long updateId)
    {
        if (replaying.CurrentCount > 0)
        {
            offered.TryRemove(updateId, out _);
        }
        else
        {
            offered[updateId] = true;
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

    private async Task ReadLaneAsync(Channel<Update> lane)
    {
        await foreach (var update in lane.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            try
            {
                // An instance that no longer leads leaves the update in the inbox for the one that does.
                if (!leadership.Elected)
                {
                    offered.TryRemove(update.Id, out _);
                    continue;
                }

                await router.HandleAsync(update, stopping.Token);
                handled.Writer.TryWrite(update.Id);
                metrics.UpdatesHandled.Inc();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Left unhandled in the inbox, so it is tried again at the next start: it may be a
                // reflection, and a database that was briefly unavailable must not lose it.
                LogFailed(e, update.Id);
                await ApologizeAsync(update);
            }
            finally
            {
                Finished();
            }
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
                LogMarkFailed(e, batch.Count);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mark {Count} updates handled; they are handled again at the next start")]
    private partial void LogMarkFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the user that update {UpdateId} failed")]
    private partial void LogApologyFailed(Exception exception, long updateId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Update {UpdateId} failed; it stays in the inbox for the next start")]
    private partial void LogFailed(Exception exception, long updateId);
}

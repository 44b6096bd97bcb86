using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Hosting;
using Telegram.Bot.Types;

namespace StudyBot.Telegram;

// Updates of different chats run concurrently; one chat's updates run strictly in order.
// Each chat maps to one lane (a channel read by one loop), so ordering needs no locks.
// An update is queued once however many times it is offered (by a transport and by a replay of
// the inbox); one that failed waits in the inbox for the next start rather than being retried in a loop.
public sealed partial class UpdateDispatcher : IAsyncDisposable
{
    // Update id -> handled. An id handled while a replay runs is kept until the next replay begins:
    // that replay may have read the inbox just before the update was marked handled.
    private readonly ConcurrentDictionary<long, bool> offered = new();
    private readonly SemaphoreSlim replaying = new(1, 1);
    private readonly Channel<Update>[] lanes;
    private readonly Task[] readers;
    private readonly UpdateHandler handler;
    private readonly UpdateInbox inbox;
    private readonly Leadership leadership;
    private readonly BotMetrics metrics;
    private readonly ILogger<UpdateDispatcher> logger;
    private readonly CancellationTokenSource stopping = new();

    public UpdateDispatcher(UpdateHandler handler, UpdateInbox inbox, Leadership leadership, BotMetrics metrics, IOptions<BotOptions> options, ILogger<UpdateDispatcher> logger)
    {
        this.leadership = leadership;
        this.metrics = metrics;
        this.handler = handler;
        this.inbox = inbox;
        this.logger = logger;
        lanes = new Channel<Update>[options.Value.UpdateConcurrency];
        readers = new Task[lanes.Length];
        for (var i = 0; i < lanes.Length; i++)
        {
            lanes[i] = Channel.CreateBounded<Update>(new BoundedChannelOptions(256) { SingleReader = true });
            var lane = lanes[i];
            readers[i] = Task.Run(() => ReadLaneAsync(lane));
        }
    }

    // Updates stored before a crash but never handled go first, in their original order.
    // Both transports call this before they take new updates.
    // The leader of several instances also calls it to take up updates another instance stored.
    public async Task ReplayUnhandledAsync(CancellationToken cancellationToken)
    {
        await replaying.WaitAsync(cancellationToken);
        try
        {
            // No replay is reading now, so every id marked handled so far is out of the inbox for good.
            foreach (var (id, handled) in offered)
            {
                if (handled)
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

    public ValueTask EnqueueAsync(Update update, CancellationToken cancellationToken)
    {
        if (!offered.TryAdd(update.Id, false))
        {
            return ValueTask.CompletedTask;
        }

        return QueueAsync(update, cancellationToken);
    }

    private async ValueTask QueueAsync(Update update, CancellationToken cancellationToken)
    {
        var chat = UpdateInbox.ChatOf(update);
        var lane = lanes[(int)((ulong)chat % (ulong)lanes.Length)];
        try
        {
            await lane.Writer.WriteAsync(update, cancellationToken);
        }
        catch
        {
            // Not queued after all: a later replay must be able to offer it again.
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
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lane in lanes)
        {
            lane.Writer.TryComplete();
        }

        await stopping.CancelAsync();
        await Task.WhenAll(readers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
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

            // An instance that no longer leads leaves the update in the inbox for the one that does.
            if (!leadership.Elected)
            {
                offered.TryRemove(update.Id, out _);
                continue;
            }

            try
            {
                await handler.HandleAsync(update, stopping.Token);
                await inbox.MarkHandledAsync(update.Id, CancellationToken.None);
                Forget(update.Id);
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
        }
    }

    private async Task ApologizeAsync(Update update)
    {
        try
        {
            await handler.ApologizeAsync(update, stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogApologyFailed(e, update.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the user that update {UpdateId} failed")]
    private partial void LogApologyFailed(Exception exception, long updateId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Update {UpdateId} failed; it stays in the inbox for the next start")]
    private partial void LogFailed(Exception exception, long updateId);
}

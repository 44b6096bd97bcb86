using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StudyBot.Hosting;
using StudyBot.Telegram;
using StudyBot.Telegram.Sending;

namespace StudyBot.Outbox;

// Sends the outbox: claims a few rows at a time, sends each through BotMessenger at bulk priority,
// and records every outcome as soon as Telegram answers. At most Concurrency requests are in
// flight, so a crash can repeat at most that many messages; claimed rows that never went out are
// sent after the restart. With several instances only the leader sends, and a new leader takes up
// the rows the last one left claimed, exactly as after a restart.
internal sealed partial class OutboxSender(OutboxStore store, BotMessenger messenger, IEnumerable<IOutboxListener> listeners, Leadership leadership, ILogger<OutboxSender> logger) : BackgroundService
{
    public const int Concurrency = 16;

    private readonly SemaphoreSlim wake = new(0, 1);
    private readonly CancellationTokenSource drainDeadline = new();

    // New rows were written: look now instead of at the next poll.
    public void Wake()
    {
        try
        {
            if (wake.CurrentCount == 0)
            {
                wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    // Sends a row its caller claimed itself (EnqueueClaimedAsync) as a reply, ahead of bulk sends,
    // and records the outcome like any other. The release of rows a crash left claimed is the first
    // write this service queues at start-up, before any update is handled, so it never takes back a
    // row being sent here.
    public async Task SendNowAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        var outcome = await messenger.SendAsync(new OutgoingMessage(row.ChatId, row.Text), SendPriority.Interactive, cancellationToken);
        await store.CompleteAsync([ResultOf(row, outcome)], CancellationToken.None);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        leadership.WhileLeadingAsync("Sending the outbox", SendWhileLeadingAsync, stoppingToken);

    private async Task SendWhileLeadingAsync(CancellationToken stoppingToken, CancellationToken term)
    {
        var released = await store.ReleaseClaimedAsync(stoppingToken);
        if (released > 0)
        {
            LogResumed(released);

            // The last process died while sending: its final requests may have reached Telegram an
            // instant ago and still count in Telegram's one-second windows (globally and for the chat
            // of the request that is now repeated). Real time, like SendGate: it is Telegram's clock.
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var queue = Channel.CreateBounded<OutboxMessage>(Concurrency);
        var results = Channel.CreateUnbounded<OutboxResult>();

        // Workers finish the rows already handed to them when the host stops; only the host's
        // shutdown timeout cuts them off, so a clean stop leaves no request half-answered. An
        // instance that stops leading stops at once instead: the new leader sends what is left, and
        // two instances must never send side by side.
        using var workersStop = CancellationTokenSource.CreateLinkedTokenSource(drainDeadline.Token, term);
        var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(() => WorkAsync(queue.Reader, results.Writer, workersStop.Token), CancellationToken.None)).ToArray();
        var recorder = Task.Run(() => RecordAsync(results.Reader), CancellationToken.None);

        try
        {
            await ClaimLoopAsync(queue.Writer, stoppingToken);
        }
        finally
        {
            queue.Writer.TryComplete();
            await Task.WhenAll(workers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            results.Writer.TryComplete();
            await recorder.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var deadline = cancellationToken.Register(drainDeadline.Cancel);
        await base.StopAsync(cancellationToken);
    }

    private async Task ClaimLoopAsync(ChannelWriter<OutboxMessage> queue, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<OutboxMessage> claimed;
            try
            {
                claimed = await store.ClaimAsync(Concurrency, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogClaimFailed(e);
                claimed = [];
            }

            if (claimed.Count == 0)
            {
                await NotifyAsync(listener => listener.OnIdleAsync(CancellationToken.None));
                try
                {
                    await wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }

            foreach (var message in claimed)
            {
                // Waits while all workers are busy; an unsent claimed row is released at the next start.
                await queue.WriteAsync(message, CancellationToken.None);
            }
        }
    }

    private async Task WorkAsync(ChannelReader<OutboxMessage> queue, ChannelWriter<OutboxResult> results, CancellationToken cancellationToken)
    {
        await foreach (var row in queue.ReadAllAsync(CancellationToken.None))
        {
            SendOutcome outcome;
            try
            {
                var entities = row.Entities is null ? null : JsonSerializer.Deserialize(row.Entities, TelegramJson.Entities);
                var keyboard = row.Keyboard is null ? null : JsonSerializer.Deserialize(row.Keyboard, TelegramJson.Keyboard);
                outcome = await messenger.SendAsync(new OutgoingMessage(row.ChatId, row.Text) { Entities = entities, Keyboard = keyboard }, SendPriority.Bulk, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Left claimed: sent again after the restart.
                continue;
            }

            await results.WriteAsync(ResultOf(row, outcome), CancellationToken.None);
        }
    }

    private static OutboxResult ResultOf(OutboxMessage row, SendOutcome outcome)
    {
        var status = outcome.Status switch
        {
            SendStatus.Sent => OutboxStore.Status.Sent,
            SendStatus.Unreachable => OutboxStore.Status.Unreachable,
            _ => OutboxStore.Status.Failed,
        };
        return new OutboxResult(row.Id, row.ChatId, status, outcome.MessageId, outcome.Error, row.DeliveryId)
        {
            BroadcastId = row.BroadcastId,
            GroupPostId = row.GroupPostId,
            MigratedToChatId = outcome.MigratedToChatId,
        };
    }

    // Group commit: whatever finished while the last batch was being written goes in the next one.
    private async Task RecordAsync(ChannelReader<OutboxResult> results)
    {
        var batch = new List<OutboxResult>(256);
        while (await results.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < 256 && results.TryRead(out var result))
            {
                batch.Add(result);
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await store.CompleteAsync(batch, CancellationToken.None);
                    break;
                }
                catch (Exception e) when (attempt < 5)
                {
                    LogRecordFailed(e, attempt);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
                }
            }

            await NotifyAsync(listener => listener.OnRecordedAsync(batch, CancellationToken.None));
        }
    }

    // A listener's failure is logged and stays its own: sending goes on.
    private async Task NotifyAsync(Func<IOutboxListener, Task> notify)
    {
        foreach (var listener in listeners)
        {
            try
            {
                await notify(listener);
            }
            catch (Exception e)
            {
                LogListenerFailed(e, listener.GetType().Name);
            }
        }
    }

    public override void Dispose()
    {
        wake.Dispose();
        drainDeadline.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Count} outbox messages left claimed by the last run or the last leader")]
    private partial void LogResumed(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Claiming outbox rows failed")]
    private partial void LogClaimFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording send outcomes failed (attempt {Attempt})")]
    private partial void LogRecordFailed(Exception exception, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox listener {Listener} failed")]
    private partial void LogListenerFailed(Exception exception, string listener);
}

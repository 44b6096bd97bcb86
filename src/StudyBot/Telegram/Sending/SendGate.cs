using System.Diagnostics;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;

namespace StudyBot.Telegram.Sending;

internal enum SendPriority
{
    // A reply to something the user just did: goes before any bulk send that is waiting.
    Interactive,

    // Prompts, broadcasts, reminders: fill what the limits leave.
    Bulk,
}

// Keeps Telegram's limits for the whole bot: at most MaxMessagesPerSecond in any second, one
// private chat at most once a second, one group at most 20 times a minute.
//
// Telegram counts a request when it arrives, which is somewhere between our grant and the answer.
// So a turn is granted only when the send MaxMessagesPerSecond turns ago was answered at least a
// second earlier, and a chat's next turn only a second after its last answer: no jitter on the way
// (thread pool, GC, network) can squeeze more than the limit into one of Telegram's windows.
// Turns are also spaced evenly, so sends flow steadily instead of in bursts.
//
// It measures real elapsed time (Stopwatch), not TimeProvider: the limits are Telegram's clock,
// and a test's fake calendar must not stop the bot from sending.
internal sealed class SendGate : IAsyncDisposable
{
    private static readonly long Second = Stopwatch.Frequency;
    private static readonly long GroupSpacing = Stopwatch.Frequency * 3;

    // A send whose answer never came is assumed to have arrived by then.
    private static readonly long AssumeArrivedAfter = Stopwatch.Frequency * 5;

    // Replies go first, but never more than this many in a row while a bulk send is ready: bulk
    // sends (the day's prompts, broadcasts) keep a fifth of the rate however busy the chats are.
    private const int InteractiveRunBeforeBulk = 4;

    private readonly object sync = new();
    private readonly List<Waiter>[] queues = [[], []];
    private readonly Dictionary<long, long> chatReadyAt = [];
    private readonly HashSet<long> chatsInFlight = [];
    private readonly Queue<SendTicket> window = new();
    private readonly int limit;
    private readonly long spacing;
    private readonly bool enabled;
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim wake = new(0);
    private readonly Task pump;
    private long nextGrantAt;
    private int interactiveRun;

    public SendGate(IOptions<TelegramOptions> options)
    {
        enabled = options.Value.EnforceLimits;
        limit = options.Value.MaxMessagesPerSecond;
        spacing = Stopwatch.Frequency / limit;
        pump = enabled ? Task.Run(PumpAsync) : Task.CompletedTask;
    }

    /// <returns>A ticket to complete when Telegram has answered (or the send failed).</returns>
    public async ValueTask<SendTicket> WaitTurnAsync(long chatId, SendPriority priority, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return SendTicket.None;
        }

        var waiter = new Waiter(chatId);
        lock (sync)
        {
            queues[(int)priority].Add(waiter);
        }

        Wake();
        await using (cancellationToken.Register(() =>
        {
            bool removed;
            lock (sync)
            {
                removed = queues[(int)priority].Remove(waiter);
            }

            if (removed)
            {
                waiter.Turn.TrySetCanceled(cancellationToken);
            }
        }))
        {
            return await waiter.Turn.Task;
        }
    }

    // Telegram said 429: nothing goes to that chat, and since the answer does not say whether the
    // chat's limit or the bot's was hit, nothing goes anywhere, until retry_after has passed.
    public void Pause(long chatId, TimeSpan retryAfter)
    {
        if (!enabled)
        {
            return;
        }

        var until = Stopwatch.GetTimestamp() + (long)(retryAfter.TotalSeconds * Stopwatch.Frequency);
        lock (sync)
        {
            chatReadyAt[chatId] = Math.Max(until, chatReadyAt.GetValueOrDefault(chatId));
            nextGrantAt = Math.Max(nextGrantAt, until);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        Wake();
        await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
        wake.Dispose();
    }

    internal void Completed(SendTicket ticket)
    {
        lock (sync)
        {
            var now = Stopwatch.GetTimestamp();
            ticket.AnsweredAt = now;
            var after = ticket.ChatId < 0 ? GroupSpacing : Second;
            chatsInFlight.Remove(ticket.ChatId);
            chatReadyAt[ticket.ChatId] = Math.Max(chatReadyAt.GetValueOrDefault(ticket.ChatId), now + after);
        }

        Wake();
    }

    private void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
    }

    private async Task PumpAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var waitTicks = GrantOne();
            if (waitTicks == 0)
            {
                continue;
            }

            // Never sleep longer than a second: a wake-up lost to a race costs at most that.
            var delay = waitTicks < 0 || waitTicks > Second
                ? TimeSpan.FromSeconds(1)
                : TimeSpan.FromTicks(Math.Max(1, waitTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            try
            {
                await wake.WaitAsync(delay, stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // Grants the next turn if one is due now. Returns 0 after a grant, else how long to wait
    // (Stopwatch ticks), or -1 to wait for the next wake-up.
    private long GrantOne()
    {
        Waiter? granted = null;
        SendTicket? ticket = null;
        long wait = -1;
        lock (sync)
        {
            var now = Stopwatch.GetTimestamp();
            if (queues[0].Count == 0 && queues[1].Count == 0)
            {
                return -1;
            }

            if (nextGrantAt > now)
            {
                return nextGrantAt - now;
            }

            if (window.Count >= limit)
            {
                var oldest = window.Peek();
                var arrivedBy = oldest.AnsweredAt ?? oldest.GrantedAt + AssumeArrivedAfter;
                if (arrivedBy + Second > now)
                {
                    return oldest.AnsweredAt is null ? Math.Min(arrivedBy + Second - now, Second / 10) : arrivedBy + Second - now;
                }

                window.Dequeue();
            }

            var bulkFirst = interactiveRun >= InteractiveRunBeforeBulk;
            var grantedFrom = -1;
            foreach (var index in bulkFirst ? BulkFirst : InteractiveFirst)
            {
                var queue = queues[index];
                for (var i = 0; i < queue.Count; i++)
                {
                    // A chat with a send in flight wakes the pump when answered; others when ready.
                    if (chatsInFlight.Contains(queue[i].ChatId))
                    {
                        continue;
                    }

                    var readyAt = chatReadyAt.GetValueOrDefault(queue[i].ChatId);
                    if (readyAt <= now)
                    {
                        granted = queue[i];
                        grantedFrom = index;
                        queue.RemoveAt(i);
                        break;
                    }

                    wait = wait < 0 ? readyAt - now : Math.Min(wait, readyAt - now);
                }

                if (granted is not null)
                {
                    break;
                }
            }

            if (granted is null)
            {
                return wait;
            }

            interactiveRun = grantedFrom == (int)SendPriority.Interactive ? interactiveRun + 1 : 0;
            ticket = new SendTicket(this, granted.ChatId, now);
            window.Enqueue(ticket);
            nextGrantAt = now + spacing;

            // Until its answer comes, the chat is busy; Completed sets when it is free again.
            chatsInFlight.Add(granted.ChatId);
            if (chatReadyAt.Count > 50_000)
            {
                foreach (var stale in chatReadyAt.Where(p => p.Value <= now).Select(p => p.Key).ToList())
                {
                    chatReadyAt.Remove(stale);
                }
            }
        }

        if (!granted.Turn.TrySetResult(ticket))
        {
            // Cancelled at the same moment: the turn is given back.
            ticket.Dispose();
        }

        return 0;
    }

    private static readonly int[] InteractiveFirst = [(int)SendPriority.Interactive, (int)SendPriority.Bulk];
    private static readonly int[] BulkFirst = [(int)SendPriority.Bulk, (int)SendPriority.Interactive];

    private sealed class Waiter(long chatId)
    {
        public long ChatId { get; } = chatId;
        public TaskCompletionSource<SendTicket> Turn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

// The right to one send. Dispose it when Telegram has answered, whatever the answer.
internal sealed class SendTicket : IDisposable
{
    public static readonly SendTicket None = new(null, 0, 0);

    private readonly SendGate? gate;
    private int completed;

    internal SendTicket(SendGate? gate, long chatId, long grantedAt)
    {
        this.gate = gate;
        ChatId = chatId;
        GrantedAt = grantedAt;
    }

    internal long ChatId { get; }
    internal long GrantedAt { get; }
    internal long? AnsweredAt { get; set; }

    public void Dispose()
    {
        if (gate is not null && Interlocked.Exchange(ref completed, 1) == 0)
        {
            gate.Completed(this);
        }
    }
}

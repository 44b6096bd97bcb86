using System.Diagnostics;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;

namespace StudyBot.Telegram;

public enum SendPriority
{
    // A reply to something the user just did: goes before any bulk send that is waiting.
    Interactive,

    // Prompts, broadcasts, reminders: fill what the limits leave.
    Bulk,
}

// Keeps Telegram's limits for the whole bot: sends start at least 1/MaxMessagesPerSecond apart,
// one private chat at most once a second, one group at most 20 times a minute. Sends are spaced
// evenly, never released in bursts, so no window of Telegram's ever sees more than the limit.
// It measures real elapsed time (Stopwatch), not TimeProvider: the limits are Telegram's clock,
// and a test's fake calendar must not stop the bot from sending.
public sealed class SendGate : IDisposable
{
    // A little under the limit, so jitter between our clock and Telegram's never crosses it.
    private const double Margin = 1.03;
    private static readonly long PrivateChatSpacing = Stopwatch.Frequency * 105 / 100;
    private static readonly long GroupSpacing = Stopwatch.Frequency * 3 * 105 / 100;

    private readonly object sync = new();
    private readonly List<Waiter>[] queues = [[], []];
    private readonly Dictionary<long, long> chatReadyAt = [];
    private readonly long globalSpacing;
    private readonly bool enabled;
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim wake = new(0);
    private readonly Task pump;
    private long globalReadyAt;

    public SendGate(IOptions<TelegramOptions> options)
    {
        enabled = options.Value.EnforceLimits;
        globalSpacing = (long)(Stopwatch.Frequency * Margin / options.Value.MaxMessagesPerSecond);
        pump = enabled ? Task.Run(PumpAsync) : Task.CompletedTask;
    }

    public ValueTask WaitTurnAsync(long chatId, SendPriority priority, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return ValueTask.CompletedTask;
        }

        var waiter = new Waiter(chatId);
        lock (sync)
        {
            queues[(int)priority].Add(waiter);
        }

        wake.Release();
        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(() =>
            {
                lock (sync)
                {
                    queues[(int)priority].Remove(waiter);
                }

                waiter.Turn.TrySetCanceled(cancellationToken);
            });
        }

        return new ValueTask(waiter.Turn.Task);
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
            globalReadyAt = Math.Max(globalReadyAt, until);
        }
    }

    public void Dispose()
    {
        stopping.Cancel();
        wake.Release();
        pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
        stopping.Dispose();
        wake.Dispose();
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

            // Sleep until a chat or the global slot frees up, or a new waiter arrives.
            var delay = waitTicks < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Max(1, waitTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
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
    // (Stopwatch ticks), or -1 when nobody waits.
    private long GrantOne()
    {
        Waiter? granted = null;
        long wait = -1;
        lock (sync)
        {
            var now = Stopwatch.GetTimestamp();
            if (queues[0].Count == 0 && queues[1].Count == 0)
            {
                return -1;
            }

            if (globalReadyAt > now)
            {
                return globalReadyAt - now;
            }

            foreach (var queue in queues)
            {
                for (var i = 0; i < queue.Count; i++)
                {
                    var readyAt = chatReadyAt.GetValueOrDefault(queue[i].ChatId);
                    if (readyAt <= now)
                    {
                        granted = queue[i];
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

            if (granted is not null)
            {
                globalReadyAt = now + globalSpacing;
                chatReadyAt[granted.ChatId] = now + (granted.ChatId < 0 ? GroupSpacing : PrivateChatSpacing);
                if (chatReadyAt.Count > 50_000)
                {
                    foreach (var stale in chatReadyAt.Where(p => p.Value <= now).Select(p => p.Key).ToList())
                    {
                        chatReadyAt.Remove(stale);
                    }
                }
            }
        }

        if (granted is null)
        {
            return wait;
        }

        granted.Registration.Dispose();
        granted.Turn.TrySetResult();
        return 0;
    }

    private sealed class Waiter(long chatId)
    {
        public long ChatId { get; } = chatId;
        public TaskCompletionSource Turn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenRegistration Registration { get; set; }
    }
}

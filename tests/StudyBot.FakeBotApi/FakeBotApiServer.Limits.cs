using System.Diagnostics;

namespace StudyBot.FakeBotApi;

// Telegram's sending limits (FakeLimits) over sliding windows, and the counts of requests refused
// by them.
public sealed partial class FakeBotApiServer
{
    // Sends refused because more than Limits.GlobalPerSecond were accepted within 1 s.
    public int GlobalLimitHits => Volatile.Read(ref globalLimitHits);

    // Sends refused because a private chat already had Limits.PrivateChatPerSecond sends within 1 s.
    public int ChatLimitHits => Volatile.Read(ref chatLimitHits);

    // Sends refused because a group already had Limits.GroupPerMinute sends within 60 s.
    public int GroupLimitHits => Volatile.Read(ref groupLimitHits);

    // Every 429 answer, from the limits or injected with FailNext / FailNextFor.
    public int TooManyRequestsAnswered => Volatile.Read(ref tooManyRequestsAnswered);

    // The most send requests that were being answered at the same moment.
    public int MaxConcurrentSends => maxConcurrentSends;

    // Null when the send is accepted (and counted); otherwise the seconds to wait.
    private int? CheckLimits(long chatId, long now)
    {
        if (Limits is not { } limits)
        {
            return null;
        }

        var second = Stopwatch.Frequency;
        lock (limitGate)
        {
            Queue<long>? chatWindow = null;
            if (chatId != 0)
            {
                var isGroup = chatId < 0;
                var (max, span) = isGroup ? (limits.GroupPerMinute, 60 * second) : (limits.PrivateChatPerSecond, second);
                if (max > 0)
                {
                    if (!chatWindows.TryGetValue(chatId, out chatWindow))
                    {
                        PruneChatWindows(now);
                        chatWindow = new Queue<long>();
                        chatWindows[chatId] = chatWindow;
                    }

                    if (IsFull(chatWindow, now, max, span) is { } wait)
                    {
                        if (isGroup)
                        {
                            groupLimitHits++;
                        }
                        else
                        {
                            chatLimitHits++;
                        }

                        return ToRetryAfter(wait);
                    }
                }
            }

            if (limits.GlobalPerSecond > 0 && IsFull(globalWindow, now, limits.GlobalPerSecond, second) is { } globalWait)
            {
                globalLimitHits++;
                return ToRetryAfter(globalWait);
            }

            chatWindow?.Enqueue(now);
            if (limits.GlobalPerSecond > 0)
            {
                globalWindow.Enqueue(now);
            }

            return null;
        }
    }

    // Drops timestamps that left the window; if `max` remain, the ticks until the oldest leaves.
    private static long? IsFull(Queue<long> window, long now, int max, long span)
    {
        while (window.Count > 0 && now - window.Peek() >= span)
        {
            window.Dequeue();
        }

        return window.Count >= max ? Math.Max(window.Peek() + span - now, 1) : null;
    }

    private static int ToRetryAfter(long ticks) => (int)Math.Max(1, (ticks + Stopwatch.Frequency - 1) / Stopwatch.Frequency);

    // Amortized O(1): sweeps idle chats only when the map has doubled since the last sweep.
    private void PruneChatWindows(long now)
    {
        if (chatWindows.Count < pruneChatWindowsAt)
        {
            return;
        }

        foreach (var (chatId, window) in chatWindows)
        {
            IsFull(window, now, int.MaxValue, chatId < 0 ? 60 * Stopwatch.Frequency : Stopwatch.Frequency);
            if (window.Count == 0)
            {
                chatWindows.Remove(chatId);
            }
        }

        pruneChatWindowsAt = Math.Max(MinPruneThreshold, 2 * chatWindows.Count);
    }
}

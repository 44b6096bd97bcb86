namespace StudyBot.FakeBotApi;

// Faults a test injects (403, 400, any error code, delays, dropped connections, held sends), and
// Decide, which settles each request's fate from them and from the limits when it arrives.
public sealed partial class FakeBotApiServer
{
    // Sends to the chat get 403 "Forbidden: bot was blocked by the user".
    public void BlockChat(long chatId)
    {
        lock (gate)
        {
            blockedChats.Add(chatId);
        }
    }

    // Undoes BlockChat: sends to the chat work again.
    public void UnblockChat(long chatId)
    {
        lock (gate)
        {
            blockedChats.Remove(chatId);
        }
    }

    // Sends to the chat get 400 "Bad Request: chat not found".
    public void ChatNotFound(long chatId)
    {
        lock (gate)
        {
            missingChats.Add(chatId);
        }
    }

    // The next `count` requests of `method` get this error.
    public void FailNext(string method, int count, int statusCode, string description, int? retryAfter = null)
    {
        lock (gate)
        {
            faults.Add(new Fault(method, count, statusCode, description, retryAfter));
        }
    }

    // The next `count` sends (sendMessage, sendDocument, sendPhoto, copyMessage) to the chat get this error.
    public void FailNextFor(long chatId, int count, int statusCode, string description, int? retryAfter = null)
    {
        lock (gate)
        {
            if (count > 0)
            {
                chatFaults.Add(new ChatFault(chatId, count, statusCode, description, retryAfter));
            }
        }
    }

    // Sends to these chats are not answered (nor recorded) until ReleaseSends, or until the client
    // goes away: the bot stays in the middle of handling whatever it is replying to, for a test
    // that counts what is waiting or kills the process there.
    public void HoldSendsTo(IEnumerable<long> chatIds)
    {
        lock (gate)
        {
            heldChats.UnionWith(chatIds);
        }
    }

    // Answers every held send as usual and holds no more.
    public void ReleaseSends()
    {
        lock (gate)
        {
            heldChats.Clear();
            Signal(ref holdsReleased);
        }
    }

    // Sends being held now, to one chat or to all.
    public int SendsHeld(long? chatId = null)
    {
        lock (gate)
        {
            return chatId is { } id ? heldSends.GetValueOrDefault(id) : heldSends.Values.Sum();
        }
    }

    // The next `count` requests of `method` are read, then the connection is aborted with no answer;
    // nothing is recorded.
    public void DropNext(string method, int count)
    {
        lock (gate)
        {
            if (count > 0)
            {
                drops.Add(new Countdown(method, count, TimeSpan.Zero));
            }
        }
    }

    // The next `count` requests of `method` are answered `delay` later (on top of ResponseDelay);
    // a send is recorded when it is answered.
    public void SlowNext(string method, int count, TimeSpan delay)
    {
        lock (gate)
        {
            if (count > 0)
            {
                slowdowns.Add(new Countdown(method, count, delay));
            }
        }
    }

    // False when the client went away while its send was held.
    private async Task<bool> WaitWhileHeldAsync(long chatId, CancellationToken aborted)
    {
        Task released;
        lock (gate)
        {
            if (!heldChats.Contains(chatId))
            {
                return true;
            }

            heldSends[chatId] = heldSends.GetValueOrDefault(chatId) + 1;
            released = holdsReleased.Task;
            Signal(ref sentChanged);
        }

        try
        {
            await released.WaitAsync(aborted);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            lock (gate)
            {
                heldSends[chatId]--;
                Signal(ref sentChanged);
            }
        }
    }

    // Everything about a request's fate is settled when it arrives: dropped, failed, refused by a
    // limit, or accepted (its slot in the limit windows taken) and answered after any delay.
    private Verdict Decide(string method, Request request, long arrival)
    {
        var delay = method == "getUpdates" ? TimeSpan.Zero : ResponseDelay;
        var chatId = request.Long("chat_id") ?? 0;
        lock (gate)
        {
            if (TakeCountdown(drops, method) is not null)
            {
                return new Verdict(true, TimeSpan.Zero, null);
            }

            if (TakeCountdown(slowdowns, method) is { } slow)
            {
                delay += slow.Delay;
            }

            if (TakeFault(method) is { } fault)
            {
                return new Verdict(false, delay, new Failure(fault.StatusCode, fault.Description, fault.RetryAfter));
            }

            if (!IsLimitedSend(method))
            {
                return new Verdict(false, delay, ActsInChat(method) ? GroupRefusal(chatId) : null);
            }

            if (chatFaults.FindIndex(f => f.ChatId == chatId) is var index and >= 0)
            {
                var chatFault = chatFaults[index];
                if (--chatFault.Remaining <= 0)
                {
                    chatFaults.RemoveAt(index);
                }

                return new Verdict(false, delay, new Failure(chatFault.StatusCode, chatFault.Description, chatFault.RetryAfter));
            }

            if (missingChats.Contains(chatId))
            {
                return new Verdict(false, delay, new Failure(400, "Bad Request: chat not found", null));
            }

            if (blockedChats.Contains(chatId))
            {
                return new Verdict(false, delay, new Failure(403, "Forbidden: bot was blocked by the user", null));
            }

            if (GroupRefusal(chatId) is { } refusal)
            {
                return new Verdict(false, delay, refusal);
            }
        }

        if (CheckLimits(chatId, arrival) is { } retryAfter)
        {
            return new Verdict(false, delay, new Failure(429, $"Too Many Requests: retry after {retryAfter}", retryAfter));
        }

        return new Verdict(false, delay, null);
    }

    private Fault? TakeFault(string method)
    {
        lock (gate)
        {
            var fault = faults.FirstOrDefault(f => f.Method == method && f.Remaining > 0);
            if (fault is null)
            {
                return null;
            }

            fault.Remaining--;
            return fault;
        }
    }

    private static Countdown? TakeCountdown(List<Countdown> countdowns, string method)
    {
        var index = countdowns.FindIndex(c => c.Method == method);
        if (index < 0)
        {
            return null;
        }

        var countdown = countdowns[index];
        if (--countdown.Remaining <= 0)
        {
            countdowns.RemoveAt(index);
        }

        return countdown;
    }

    private sealed class Fault(string method, int count, int statusCode, string description, int? retryAfter)
    {
        public string Method { get; } = method;
        public int Remaining { get; set; } = count;
        public int StatusCode { get; } = statusCode;
        public string Description { get; } = description;
        public int? RetryAfter { get; } = retryAfter;
    }

    private sealed class ChatFault(long chatId, int count, int statusCode, string description, int? retryAfter)
    {
        public long ChatId { get; } = chatId;
        public int Remaining { get; set; } = count;
        public int StatusCode { get; } = statusCode;
        public string Description { get; } = description;
        public int? RetryAfter { get; } = retryAfter;
    }

    private sealed class Countdown(string method, int count, TimeSpan delay)
    {
        public string Method { get; } = method;
        public int Remaining { get; set; } = count;
        public TimeSpan Delay { get; } = delay;
    }

    // MigrateToChatId: where a group that was upgraded went, told in the answer's parameters.
    private sealed record Failure(int StatusCode, string Description, int? RetryAfter, long? MigrateToChatId = null);

    private sealed record Verdict(bool Drop, TimeSpan Delay, Failure? Failure);
}

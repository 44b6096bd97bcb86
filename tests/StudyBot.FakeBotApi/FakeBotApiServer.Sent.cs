using System.Text.Json.Nodes;

namespace StudyBot.FakeBotApi;

// What the bot did, as a test reads it back or waits for it: the messages sent, the menus set,
// the reactions, the button answers, and the updates it confirmed.
public sealed partial class FakeBotApiServer
{
    public IReadOnlyList<SentMessage> SentTo(long chatId)
    {
        lock (gate)
        {
            return sent.Where(m => m.ChatId == chatId).ToList();
        }
    }

    public IReadOnlyList<SentMessage> AllSent
    {
        get
        {
            lock (gate)
            {
                return [.. sent];
            }
        }
    }

    // Every accepted setMyCommands and deleteMyCommands request, in order.
    public IReadOnlyList<CommandMenuCall> CommandMenus
    {
        get
        {
            lock (gate)
            {
                return [.. commandMenus];
            }
        }
    }

    // The menu the bot last set for exactly this scope; null if it never set one or deleted it.
    // Telegram shows a chat the narrowest scope that has a menu: that choice is left to the test.
    public IReadOnlyList<(string Command, string Description)>? CommandMenuFor(string scopeType, long? chatId = null, long? userId = null, string? languageCode = null)
    {
        var last = CommandMenus.LastOrDefault(c => c.ScopeType == scopeType && c.ChatId == chatId && c.UserId == userId && c.LanguageCode == languageCode);
        return last is null || last.Deleted ? null : last.Commands;
    }

    // The menu button a private chat shows (its own, else the default); null when the bot set none.
    // Its JSON as the bot sent it: {"type":"web_app","text":...,"web_app":{"url":...}}.
    public JsonNode? MenuButtonFor(long? chatId = null)
    {
        lock (gate)
        {
            return (chatId is { } id && menuButtons.TryGetValue(id, out var own) ? own : defaultMenuButton)?.DeepClone();
        }
    }

    // The emoji the bot's last setMessageReaction left on a message; empty when it set none or
    // took them back.
    public IReadOnlyList<string> ReactionsOn(long chatId, int messageId)
    {
        lock (gate)
        {
            return reactions.GetValueOrDefault((chatId, messageId)) ?? [];
        }
    }

    // Every answerCallbackQuery request, in order.
    public IReadOnlyList<ButtonAnswer> ButtonAnswers
    {
        get
        {
            lock (gate)
            {
                return [.. buttonAnswers];
            }
        }
    }

    // Waits for the bot's answer to one press (the id UserPresses returned).
    public Task<ButtonAnswer> WaitForButtonAnswerAsync(string callbackQueryId, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => ButtonAnswers.FirstOrDefault(a => a.CallbackQueryId == callbackQueryId), timeout);

    // Edits refused with 400 "message is not modified": the text and buttons were already shown.
    // Telegram refuses them, and a bot that sends them wastes requests; the refusal is not recorded
    // as an edit, so this is how a test sees one.
    public int EditsNotModified => Volatile.Read(ref editsNotModified);

    // How many `method` requests were accepted per chat.
    public IReadOnlyDictionary<long, int> SentCountByChat(string method = "sendMessage")
    {
        lock (gate)
        {
            var counts = new Dictionary<long, int>();
            foreach (var message in sent)
            {
                if (message.Method == method)
                {
                    counts[message.ChatId] = counts.GetValueOrDefault(message.ChatId) + 1;
                }
            }

            return counts;
        }
    }

    public async Task<SentMessage> WaitForMessageAsync(long chatId, Func<SentMessage, bool>? match = null, int skip = 0, TimeSpan? timeout = null)
    {
        var result = await WaitUntilAsync(() => SentTo(chatId).Where(m => match?.Invoke(m) ?? true).Skip(skip).FirstOrDefault(), timeout);
        return result;
    }

    // Waits for the bot's n-th message (1-based) to a chat.
    public Task<SentMessage> WaitForNthMessageAsync(long chatId, int n, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => SentTo(chatId).Skip(n - 1).FirstOrDefault(), timeout);

    public async Task<T> WaitUntilAsync<T>(Func<T?> probe, TimeSpan? timeout = null)
        where T : class
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (gate)
            {
                changed = sentChanged.Task;
            }

            if (probe() is { } value)
            {
                return value;
            }

            try
            {
                await changed.WaitAsync(TimeSpan.FromMilliseconds(200), cancellation.Token);
            }
            catch (TimeoutException)
            {
                // Re-check: state outside the fake (the database) may be what the probe reads.
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Condition not met in time. Sent so far:\n{string.Join('\n', AllSent.TakeLast(20))}");
            }
        }
    }

    // True once the bot has fetched every update and confirmed it with a later offset.
    public bool AllUpdatesConfirmed
    {
        get
        {
            lock (gate)
            {
                return pending.Count == 0;
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace StudyBot.FakeBotApi;

// An in-process Telegram Bot API on 127.0.0.1 with a random port. The bot under test talks to it
// through the real Telegram.Bot client; tests play the users through the methods below.
public sealed class FakeBotApiServer : IAsyncDisposable
{
    public const string DefaultToken = "4242:fake-token-for-tests-only";
    public const string BotUsername = "StudyTestBot";
    public const long BotUserId = 123456789;

    private readonly WebApplication app;
    private readonly object gate = new();
    private readonly List<Update> pending = [];
    private readonly List<SentMessage> sent = [];
    private readonly List<CommandMenuCall> commandMenus = [];
    private readonly ConcurrentDictionary<long, int> lastMessageIdByChat = new();
    private readonly List<Fault> faults = [];
    private readonly HashSet<long> blockedChats = [];
    private readonly HashSet<long> missingChats = [];
    private readonly List<ChatFault> chatFaults = [];
    private readonly List<Countdown> drops = [];
    private readonly List<Countdown> slowdowns = [];
    private readonly Dictionary<string, byte[]> files = new(StringComparer.Ordinal);
    private int lastFileNumber;
    private TaskCompletionSource updatesArrived = NewSignal();
    private TaskCompletionSource sentChanged = NewSignal();
    private int lastUpdateId = 1000;
    private int confirmedBelow;

    private FakeBotApiServer(WebApplication app, string token)
    {
        this.app = app;
        Token = token;
    }

    public string Token { get; }
    public string BaseUrl { get; private set; } = "";
    public int GetUpdatesCalls { get; private set; }
    public TimeSpan ResponseDelay { get; set; }

    // Telegram's sending limits; null (the default) = no limits. See FakeLimits.
    public FakeLimits? Limits { get; set; }

    // Sends refused because more than Limits.GlobalPerSecond were accepted within 1 s.
    public int GlobalLimitHits => Volatile.Read(ref globalLimitHits);

    // Sends refused because a private chat already had Limits.PrivateChatPerSecond sends within 1 s.
    public int ChatLimitHits => Volatile.Read(ref chatLimitHits);

    // Sends refused because a group already had Limits.GroupPerMinute sends within 60 s.
    public int GroupLimitHits => Volatile.Read(ref groupLimitHits);

    // Every 429 answer, from the limits or injected with FailNext / FailNextFor.
    public int TooManyRequestsAnswered => Volatile.Read(ref tooManyRequestsAnswered);

    private readonly object limitGate = new();
    private readonly Queue<long> globalWindow = new();
    private readonly Dictionary<long, Queue<long>> chatWindows = [];
    private int pruneChatWindowsAt = MinPruneThreshold;
    private int globalLimitHits;
    private int chatLimitHits;
    private int groupLimitHits;
    private int tooManyRequestsAnswered;
    private const int MinPruneThreshold = 1024;

    // The most send requests that were being answered at the same moment.
    public int MaxConcurrentSends => maxConcurrentSends;

    private int concurrentSends;
    private int maxConcurrentSends;

    public static async Task<FakeBotApiServer> StartAsync(string token = DefaultToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxRequestBodySize = 60 * 1024 * 1024;
        });
        var app = builder.Build();
        var server = new FakeBotApiServer(app, token);
        app.Map("/bot{token}/{method}", server.HandleAsync);
        app.MapGet("/file/bot{token}/{**filePath}", server.DownloadAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address;
        return server;
    }

    // ---- the users' side ----

    // A "/..." text gets a bot_command entity first; `entities` are added after it.
    public Message UserSends(long chatId, string text, int? replyTo = null, long? fromId = null, string firstName = "Learner", IEnumerable<MessageEntity>? entities = null)
    {
        var message = NewUserMessage(chatId, fromId, firstName);
        message.Text = text;
        var allEntities = new List<MessageEntity>();
        if (text.StartsWith('/'))
        {
            var length = text.IndexOf(' ') is var space and > 0 ? space : text.Length;
            allEntities.Add(new MessageEntity { Type = MessageEntityType.BotCommand, Offset = 0, Length = length });
        }

        if (entities is not null)
        {
            allEntities.AddRange(entities);
        }

        if (allEntities.Count > 0)
        {
            message.Entities = [.. allEntities];
        }

        if (replyTo is { } replyId)
        {
            message.ReplyToMessage = new Message { Id = replyId, Chat = message.Chat, Date = message.Date, Text = FindSent(chatId, replyId)?.Text };
        }

        Enqueue(new Update { Message = message });
        return message;
    }

    public void UserEdits(Message original, string newText)
    {
        var edited = new Message
        {
            Id = original.Id,
            Chat = original.Chat,
            From = original.From,
            Date = original.Date,
            EditDate = DateTime.UtcNow,
            Text = newText,
            ReplyToMessage = original.ReplyToMessage,
        };
        Enqueue(new Update { EditedMessage = edited });
    }

    public Message UserSendsPhoto(long chatId)
    {
        var message = NewUserMessage(chatId, null, "Learner");
        message.Photo = [new PhotoSize { FileId = "photo-1", FileUniqueId = "u-photo-1", Width = 10, Height = 10 }];
        Enqueue(new Update { Message = message });
        return message;
    }

    public Message UserSendsSticker(long chatId)
    {
        var message = NewUserMessage(chatId, null, "Learner");
        message.Sticker = new Sticker { FileId = "sticker-1", FileUniqueId = "u-sticker-1", Width = 10, Height = 10, Type = StickerType.Regular };
        Enqueue(new Update { Message = message });
        return message;
    }

    // Files sent with reportsSize: false, whose size neither the message nor getFile tells (Telegram may leave it out).
    private readonly HashSet<string> filesWithoutSize = new(StringComparer.Ordinal);

    // Someone (an admin, say) sends the bot a file; the bot can fetch it with getFile and DownloadFile.
    public Message SendsDocument(long chatId, string fileName, byte[] content, string? caption = null, long? fromId = null, bool reportsSize = true)
    {
        ArgumentNullException.ThrowIfNull(content);
        var fileId = $"file-{Interlocked.Increment(ref lastFileNumber)}";
        lock (gate)
        {
            files[fileId] = [.. content];
            if (!reportsSize)
            {
                filesWithoutSize.Add(fileId);
            }
        }

        var message = NewUserMessage(chatId, fromId, "Learner");
        message.Document = new Document { FileId = fileId, FileUniqueId = $"u-{fileId}", FileName = fileName, FileSize = reportsSize ? content.Length : null };
        message.Caption = caption;
        Enqueue(new Update { Message = message });
        return message;
    }

    // The user blocks the bot: a my_chat_member update (member -> kicked) and 403 on every later send.
    public ChatMemberUpdated UserBlocksBot(long chatId)
    {
        BlockChat(chatId);
        var change = NewMemberChange(chatId, new ChatMemberMember { User = BotUser() }, new ChatMemberBanned { User = BotUser() });
        Enqueue(new Update { MyChatMember = change });
        return change;
    }

    // The user unblocks (restarts) the bot: a my_chat_member update (kicked -> member); sends work again.
    public ChatMemberUpdated UserUnblocksBot(long chatId)
    {
        UnblockChat(chatId);
        var change = NewMemberChange(chatId, new ChatMemberBanned { User = BotUser() }, new ChatMemberMember { User = BotUser() });
        Enqueue(new Update { MyChatMember = change });
        return change;
    }

    public void UserPresses(long chatId, int messageId, string data, long? fromId = null)
    {
        var shown = FindSent(chatId, messageId) ?? throw new InvalidOperationException($"No message {messageId} in chat {chatId}");
        var query = new CallbackQuery
        {
            Id = Guid.NewGuid().ToString("N"),
            From = new User { Id = fromId ?? chatId, FirstName = "Learner" },
            ChatInstance = chatId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Data = data,
            Message = new Message { Id = messageId, Chat = new Chat { Id = chatId, Type = ChatType.Private }, Date = shown.SentAtUtc, Text = shown.Text },
        };
        Enqueue(new Update { CallbackQuery = query });
    }

    // Telegram hands out again every update whose offset was never confirmed; this puts one back.
    public void Redeliver(Update update)
    {
        lock (gate)
        {
            pending.Add(update);
            pending.Sort((a, b) => a.Id.CompareTo(b.Id));
            confirmedBelow = Math.Min(confirmedBelow, update.Id);
            Signal(ref updatesArrived);
        }
    }

    public IReadOnlyList<Update> AllUpdates
    {
        get
        {
            lock (gate)
            {
                return [.. history];
            }
        }
    }

    private readonly List<Update> history = [];

    // ---- what the bot did ----

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

    // Every accepted setMyCommands request, in order.
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

    // ---- faults ----

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

    // ---- the HTTP side ----

    private static bool IsLimitedSend(string method) => method is "sendMessage" or "sendDocument" or "sendPhoto" or "copyMessage";

    private async Task HandleAsync(HttpContext context, string token, string method)
    {
        if (token != Token)
        {
            await WriteErrorAsync(context, 401, "Unauthorized");
            return;
        }

        var request = await ReadRequestAsync(context.Request);
        var verdict = Decide(method, request, Stopwatch.GetTimestamp());
        if (verdict.Drop)
        {
            context.Abort();
            return;
        }

        var isSend = IsLimitedSend(method) || method == "editMessageText";
        if (isSend)
        {
            var now = Interlocked.Increment(ref concurrentSends);
            int seen;
            while (now > (seen = maxConcurrentSends) && Interlocked.CompareExchange(ref maxConcurrentSends, now, seen) != seen)
            {
            }
        }

        try
        {
            await AnswerAsync(context, method, request, verdict);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away while the answer was delayed.
        }
        finally
        {
            if (isSend)
            {
                Interlocked.Decrement(ref concurrentSends);
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
                return new Verdict(false, delay, null);
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
        }

        if (CheckLimits(chatId, arrival) is { } retryAfter)
        {
            return new Verdict(false, delay, new Failure(429, $"Too Many Requests: retry after {retryAfter}", retryAfter));
        }

        return new Verdict(false, delay, null);
    }

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

    private async Task AnswerAsync(HttpContext context, string method, Request request, Verdict verdict)
    {
        if (verdict.Delay > TimeSpan.Zero)
        {
            await Task.Delay(verdict.Delay, context.RequestAborted);
        }

        if (verdict.Failure is { } failure)
        {
            await WriteErrorAsync(context, failure.StatusCode, failure.Description, failure.RetryAfter);
            return;
        }

        switch (method)
        {
            case "getMe":
                await WriteResultAsync(context, BotUser());
                return;
            case "getUpdates":
                await GetUpdatesAsync(context, request);
                return;
            case "setMyCommands":
                RecordCommandMenu(request);
                await WriteResultAsync(context, true);
                return;
            case "deleteWebhook" or "answerCallbackQuery" or "setWebhook":
                await WriteResultAsync(context, true);
                return;
            case "sendMessage" or "sendDocument" or "sendPhoto" or "copyMessage":
                await SendAsync(context, method, request);
                return;
            case "editMessageText":
                await EditAsync(context, request);
                return;
            case "getFile":
                await GetFileAsync(context, request);
                return;
            default:
                await WriteErrorAsync(context, 404, $"Not Found: method {method} is not faked");
                return;
        }
    }

    private async Task GetFileAsync(HttpContext context, Request request)
    {
        var fileId = request.String("file_id") ?? "";
        int? size;
        bool reportsSize;
        lock (gate)
        {
            size = files.TryGetValue(fileId, out var content) ? content.Length : null;
            reportsSize = !filesWithoutSize.Contains(fileId);
        }

        if (size is null)
        {
            await WriteErrorAsync(context, 400, "Bad Request: invalid file_id");
            return;
        }

        await WriteResultAsync(context, new TGFile { FileId = fileId, FileUniqueId = $"u-{fileId}", FileSize = reportsSize ? size : null, FilePath = $"documents/{fileId}" });
    }

    // GET /file/bot{token}/{file_path}, where Telegram.Bot's DownloadFile fetches file contents.
    private async Task DownloadAsync(HttpContext context, string token, string filePath)
    {
        if (token != Token)
        {
            await WriteErrorAsync(context, 401, "Unauthorized");
            return;
        }

        byte[]? content = null;
        const string prefix = "documents/";
        if (filePath.StartsWith(prefix, StringComparison.Ordinal))
        {
            lock (gate)
            {
                content = files.GetValueOrDefault(filePath[prefix.Length..]);
            }
        }

        if (content is null)
        {
            await WriteErrorAsync(context, 404, "Not Found");
            return;
        }

        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = content.Length;
        await context.Response.Body.WriteAsync(content, context.RequestAborted);
    }

    private async Task GetUpdatesAsync(HttpContext context, Request request)
    {
        var offset = request.Int("offset") ?? 0;
        var limit = request.Int("limit") ?? 100;
        var timeout = TimeSpan.FromSeconds(Math.Min(request.Int("timeout") ?? 0, 50));
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task arrived;
            Update[] batch;
            lock (gate)
            {
                GetUpdatesCalls++;
                if (offset > 0)
                {
                    pending.RemoveAll(u => u.Id < offset);
                    confirmedBelow = Math.Max(confirmedBelow, offset);
                }

                batch = pending.Take(limit).ToArray();
                arrived = updatesArrived.Task;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (batch.Length > 0 || remaining <= TimeSpan.Zero)
            {
                await WriteResultAsync(context, batch);
                return;
            }

            try
            {
                await arrived.WaitAsync(remaining, context.RequestAborted);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SendAsync(HttpContext context, string method, Request request)
    {
        var chatId = request.Long("chat_id") ?? 0;
        var messageId = NextMessageId(chatId);
        var record = new SentMessage
        {
            Method = method,
            ChatId = chatId,
            MessageId = messageId,
            Text = request.String("text") ?? "",
            Caption = request.String("caption"),
            ReplyMarkup = request.Json("reply_markup"),
            ReplyToMessageId = request.Json("reply_parameters")?["message_id"]?.GetValue<int>(),
            FileName = request.File?.FileName,
            FileContent = request.File?.Content,
            Entities = request.Json("entities") ?? request.Json("caption_entities"),
            AllowPaidBroadcast = request.Bool("allow_paid_broadcast") ?? false,
            FromChatId = method == "copyMessage" ? request.Long("from_chat_id") : null,
            SourceMessageId = method == "copyMessage" ? request.Int("message_id") : null,
            SentAtUtc = DateTime.UtcNow,
        };
        lock (gate)
        {
            sent.Add(record);
            Signal(ref sentChanged);
        }

        if (method == "copyMessage")
        {
            await WriteResultAsync(context, new MessageId { Id = messageId });
            return;
        }

        var message = new Message
        {
            Id = messageId,
            Chat = new Chat { Id = chatId, Type = ChatTypeOf(chatId) },
            From = BotUser(),
            Date = record.SentAtUtc,
            Text = method == "sendMessage" ? record.Text : null,
            Caption = record.Caption,
        };
        if (method == "sendDocument")
        {
            message.Document = new Document { FileId = $"doc-{messageId}", FileUniqueId = $"u-doc-{messageId}", FileName = record.FileName };
        }
        else if (method == "sendPhoto")
        {
            message.Photo = [new PhotoSize { FileId = $"photo-{messageId}", FileUniqueId = $"u-photo-{messageId}", Width = 1, Height = 1 }];
        }

        await WriteResultAsync(context, message);
    }

    private void RecordCommandMenu(Request request)
    {
        var scope = request.Json("scope");
        var commands = request.Json("commands")?.AsArray()
            .Select(c => (c!["command"]!.GetValue<string>(), c["description"]!.GetValue<string>()))
            .ToList() ?? [];
        var chatId = scope?["chat_id"] is { } chat ? long.Parse(chat.ToString(), System.Globalization.CultureInfo.InvariantCulture) : (long?)null;
        var call = new CommandMenuCall(scope?["type"]?.GetValue<string>() ?? "default", chatId, request.String("language_code"), commands);
        lock (gate)
        {
            commandMenus.Add(call);
            Signal(ref sentChanged);
        }
    }

    private async Task EditAsync(HttpContext context, Request request)
    {
        var chatId = request.Long("chat_id") ?? 0;
        var messageId = (int)(request.Long("message_id") ?? 0);
        var text = request.String("text") ?? "";
        SentMessage? target;
        lock (gate)
        {
            target = sent.FirstOrDefault(m => m.ChatId == chatId && m.MessageId == messageId);
            if (target is not null && (target.Text != text || request.Json("reply_markup")?.ToJsonString() != target.ReplyMarkup?.ToJsonString()))
            {
                target.Edits.Add(target.Text);
                target.Text = text;
                target.ReplyMarkup = request.Json("reply_markup");
                Signal(ref sentChanged);
                target = new SentMessage { Method = "edit", ChatId = chatId, MessageId = messageId, Text = text, SentAtUtc = DateTime.UtcNow };
            }
            else if (target is not null)
            {
                target = null;
            }
        }

        if (target is null)
        {
            await WriteErrorAsync(context, 400, "Bad Request: message is not modified");
            return;
        }

        await WriteResultAsync(context, new Message { Id = messageId, Chat = new Chat { Id = chatId, Type = ChatType.Private }, Date = DateTime.UtcNow, Text = text });
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

    private static User BotUser() => new() { Id = BotUserId, IsBot = true, FirstName = "StudyBot", Username = BotUsername };

    private static ChatType ChatTypeOf(long chatId) => chatId switch
    {
        >= 0 => ChatType.Private,
        <= -1_000_000_000_000 => ChatType.Supergroup,
        _ => ChatType.Group,
    };

    private static ChatMemberUpdated NewMemberChange(long chatId, ChatMember oldMember, ChatMember newMember) => new()
    {
        Chat = new Chat { Id = chatId, Type = ChatType.Private, FirstName = "Learner" },
        From = new User { Id = chatId, FirstName = "Learner", LanguageCode = "en" },
        Date = DateTime.UtcNow,
        OldChatMember = oldMember,
        NewChatMember = newMember,
    };

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

    private Message NewUserMessage(long chatId, long? fromId, string firstName) => new()
    {
        Id = NextMessageId(chatId),
        Chat = new Chat { Id = chatId, Type = ChatType.Private, FirstName = firstName },
        From = new User { Id = fromId ?? chatId, FirstName = firstName, LanguageCode = "en" },
        Date = DateTime.UtcNow,
    };

    private int NextMessageId(long chatId) => lastMessageIdByChat.AddOrUpdate(chatId, 1, (_, last) => last + 1);

    private SentMessage? FindSent(long chatId, int messageId)
    {
        lock (gate)
        {
            return sent.FirstOrDefault(m => m.ChatId == chatId && m.MessageId == messageId);
        }
    }

    private void Enqueue(Update update)
    {
        lock (gate)
        {
            update.Id = ++lastUpdateId;
            pending.Add(update);
            history.Add(update);
            Signal(ref updatesArrived);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void Signal(ref TaskCompletionSource signal)
    {
        var previous = signal;
        signal = NewSignal();
        previous.TrySetResult();
    }

    private static async Task WriteResultAsync<T>(HttpContext context, T result)
    {
        context.Response.ContentType = "application/json";
        var body = new JsonObject { ["ok"] = true, ["result"] = JsonSerializer.SerializeToNode(result, JsonBotAPI.Options) };
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private async Task WriteErrorAsync(HttpContext context, int code, string description, int? retryAfter = null)
    {
        if (code == 429)
        {
            Interlocked.Increment(ref tooManyRequestsAnswered);
        }

        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        var body = new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description };
        if (retryAfter is { } seconds)
        {
            body["parameters"] = new JsonObject { ["retry_after"] = seconds };
        }

        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static async Task<Request> ReadRequestAsync(HttpRequest request)
    {
        var fields = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        UploadedFile? file = null;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            foreach (var (key, value) in form)
            {
                fields[key] = JsonValue.Create(value.ToString());
            }

            if (form.Files.Count > 0)
            {
                using var memory = new MemoryStream();
                await form.Files[0].CopyToAsync(memory);
                file = new UploadedFile(form.Files[0].FileName, memory.ToArray());
            }
        }
        else if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var node = await JsonNode.ParseAsync(request.Body);
            if (node is JsonObject obj)
            {
                foreach (var (key, value) in obj)
                {
                    fields[key] = value?.DeepClone();
                }
            }
        }

        foreach (var (key, value) in request.Query)
        {
            fields[key] = JsonValue.Create(value.ToString());
        }

        return new Request(fields, file);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
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

    private sealed record Failure(int StatusCode, string Description, int? RetryAfter);

    private sealed record Verdict(bool Drop, TimeSpan Delay, Failure? Failure);

    private sealed record UploadedFile(string FileName, byte[] Content);

    private sealed record Request(Dictionary<string, JsonNode?> Fields, UploadedFile? File)
    {
        public string? String(string name) => Fields.TryGetValue(name, out var node) && node is not null
            ? node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString()
            : null;

        public long? Long(string name) => String(name) is { } text && long.TryParse(text, out var value) ? value : null;

        public int? Int(string name) => String(name) is { } text && int.TryParse(text, out var value) ? value : null;

        public bool? Bool(string name) => String(name) is { } text && bool.TryParse(text, out var value) ? value : null;

        public JsonNode? Json(string name) => Fields.TryGetValue(name, out var node) && node is not null
            ? node.GetValueKind() == JsonValueKind.String ? JsonNode.Parse(node.GetValue<string>()) : node
            : null;
    }
}

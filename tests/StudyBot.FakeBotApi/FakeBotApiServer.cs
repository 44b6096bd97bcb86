using System.Collections.Concurrent;
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
    public const string DefaultToken = "123456789:AAFakeTokenForTestsOnly_abcdefghijkl";
    public const string BotUsername = "StudyTestBot";

    private readonly WebApplication app;
    private readonly object gate = new();
    private readonly List<Update> pending = [];
    private readonly List<SentMessage> sent = [];
    private readonly ConcurrentDictionary<long, int> lastMessageIdByChat = new();
    private readonly List<Fault> faults = [];
    private readonly HashSet<long> blockedChats = [];
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
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address;
        return server;
    }

    // ---- the users' side ----

    public Message UserSends(long chatId, string text, int? replyTo = null, long? fromId = null, string firstName = "Learner")
    {
        var message = NewUserMessage(chatId, fromId, firstName);
        message.Text = text;
        if (text.StartsWith('/'))
        {
            var length = text.IndexOf(' ') is var space and > 0 ? space : text.Length;
            message.Entities = [new MessageEntity { Type = MessageEntityType.BotCommand, Offset = 0, Length = length }];
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

    public void BlockChat(long chatId)
    {
        lock (gate)
        {
            blockedChats.Add(chatId);
        }
    }

    public void FailNext(string method, int count, int statusCode, string description, int? retryAfter = null)
    {
        lock (gate)
        {
            faults.Add(new Fault(method, count, statusCode, description, retryAfter));
        }
    }

    // ---- the HTTP side ----

    private async Task HandleAsync(HttpContext context, string token, string method)
    {
        if (token != Token)
        {
            await WriteErrorAsync(context, 401, "Unauthorized");
            return;
        }

        var request = await ReadRequestAsync(context.Request);
        var isSend = method is "sendMessage" or "sendDocument" or "sendPhoto" or "editMessageText";
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
            await AnswerAsync(context, method, request);
        }
        finally
        {
            if (isSend)
            {
                Interlocked.Decrement(ref concurrentSends);
            }
        }
    }

    private async Task AnswerAsync(HttpContext context, string method, Request request)
    {
        if (ResponseDelay > TimeSpan.Zero && method != "getUpdates")
        {
            await Task.Delay(ResponseDelay, context.RequestAborted);
        }

        if (TakeFault(method) is { } fault)
        {
            await WriteErrorAsync(context, fault.StatusCode, fault.Description, fault.RetryAfter);
            return;
        }

        switch (method)
        {
            case "getMe":
                await WriteResultAsync(context, new User { Id = 123456789, IsBot = true, FirstName = "StudyBot", Username = BotUsername });
                return;
            case "getUpdates":
                await GetUpdatesAsync(context, request);
                return;
            case "deleteWebhook" or "setMyCommands" or "answerCallbackQuery" or "setWebhook":
                await WriteResultAsync(context, true);
                return;
            case "sendMessage" or "sendDocument" or "sendPhoto":
                await SendAsync(context, method, request);
                return;
            case "editMessageText":
                await EditAsync(context, request);
                return;
            default:
                await WriteErrorAsync(context, 404, $"Not Found: method {method} is not faked");
                return;
        }
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
        bool blocked;
        lock (gate)
        {
            blocked = blockedChats.Contains(chatId);
        }

        if (blocked)
        {
            await WriteErrorAsync(context, 403, "Forbidden: bot was blocked by the user");
            return;
        }

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
            SentAtUtc = DateTime.UtcNow,
        };
        lock (gate)
        {
            sent.Add(record);
            Signal(ref sentChanged);
        }

        var message = new Message
        {
            Id = messageId,
            Chat = new Chat { Id = chatId, Type = ChatType.Private },
            From = new User { Id = 123456789, IsBot = true, FirstName = "StudyBot", Username = BotUsername },
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

    private static async Task WriteErrorAsync(HttpContext context, int code, string description, int? retryAfter = null)
    {
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

    private sealed record UploadedFile(string FileName, byte[] Content);

    private sealed record Request(Dictionary<string, JsonNode?> Fields, UploadedFile? File)
    {
        public string? String(string name) => Fields.TryGetValue(name, out var node) && node is not null
            ? node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString()
            : null;

        public long? Long(string name) => String(name) is { } text && long.TryParse(text, out var value) ? value : null;

        public int? Int(string name) => String(name) is { } text && int.TryParse(text, out var value) ? value : null;

        public JsonNode? Json(string name) => Fields.TryGetValue(name, out var node) && node is not null
            ? node.GetValueKind() == JsonValueKind.String ? JsonNode.Parse(node.GetValue<string>()) : node
            : null;
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace StudyBot.Bench;

internal enum BotAction
{
    Send,
    Edit,
}

// A document the bot uploaded (multipart sendDocument): its bytes were counted and discarded.
internal readonly record struct SentDocument(long ChatId, string FileName, long Bytes, string Caption, long At);

// What the bot did, seen by the fake. At is a Stopwatch timestamp taken when the request was handled.
internal readonly record struct BotMessage(BotAction Action, long ChatId, int MessageId, string Text, string? FirstCallbackData, long At);

// A lean Telegram Bot API on 127.0.0.1 for benchmarks. Unlike the test fake it keeps no history:
// each request costs one JSON parse, a few dictionary or ring-buffer operations and one serialize,
// and whatever the scenario wants to know it learns through Observer, called on the request's thread.
// (Over 300 lines: one hand-tuned request path, kept in one file so its cost can be read at once.)
internal sealed class FakeTelegram : IAsyncDisposable
{
    public const string Token = "4242:bench-token-loopback-only";
    private const long BotUserId = 123456789;

    private static readonly byte[] OkPrefix = "{\"ok\":true,\"result\":"u8.ToArray();
    private static readonly byte[] OkSuffix = "}"u8.ToArray();
    private static readonly byte[] ArrayStart = "["u8.ToArray();
    private static readonly byte[] Comma = ","u8.ToArray();
    private static readonly byte[] ArrayEndOkSuffix = "]}"u8.ToArray();
    private static readonly User BotUser = new() { Id = BotUserId, IsBot = true, FirstName = "StudyBench", Username = "StudyBenchBot" };

    private readonly WebApplication app;
    private readonly TimeSpan delay;
    private readonly bool enforceLimits;
    private SendLimits? limits;

    // Update i has id i + 1; updates below `confirmed` were confirmed by a later offset.
    private readonly object updatesLock = new();
    private readonly List<QueuedUpdate> updates = [];
    private int confirmed;
    private TaskCompletionSource updatesArrived = NewSignal();
    private TaskCompletionSource polled = NewSignal();

    // Telegram numbers messages per chat, the user's and the bot's alike.
    private readonly ConcurrentDictionary<long, StrongBox<int>> lastMessageIds = new();
    private readonly ConcurrentDictionary<string, int> unknownMethods = new(StringComparer.Ordinal);
    private long requests;
    private int tooManyRequests;

    private FakeTelegram(WebApplication app, TimeSpan delay, bool enforceLimits)
    {
        this.app = app;
        this.delay = delay;
        this.enforceLimits = enforceLimits;
    }

    public string BaseUrl { get; private set; } = "";

    // Called for every accepted sendMessage and editMessageText; must be thread-safe and quick.
    public Action<BotMessage>? Observer { get; set; }

    // Called for every accepted sendDocument.
    public Action<SentDocument>? DocumentObserver { get; set; }

    public long Requests => Interlocked.Read(ref requests);
    public int TooManyRequests => Volatile.Read(ref tooManyRequests);
    public int ChatLimitRefusals => limits?.ChatRefusals ?? 0;
    public int GlobalLimitRefusals => limits?.GlobalRefusals ?? 0;
    public int GroupLimitRefusals => limits?.GroupRefusals ?? 0;
    public IReadOnlyDictionary<string, int> UnknownMethods => unknownMethods;

    // Completes at the next getUpdates call (read it before starting the bot).
    public Task NextPoll
    {
        get
        {
            lock (updatesLock)
            {
                return polled.Task;
            }
        }
    }

    public static async Task<FakeTelegram> StartAsync(TimeSpan delay, bool enforceLimits)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.AddServerHeader = false;

            // Telegram takes uploads of up to 50 MB; a little more, so the bot's own check is what refuses.
            o.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
        });
        var app = builder.Build();
        var fake = new FakeTelegram(app, delay, enforceLimits);

        // No routing: the path is split by hand, which is all the fake needs and costs nothing.
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await fake.WarmUpAsync();
        return fake;
    }

    // Compiles every request path before any bot is measured (the bench runs without tiered
    // compilation, so this is the only JIT work they need): otherwise compiling would compete with
    // the bot for the cores during the run. Limits start afterwards, so these count against nothing.
    private async Task WarmUpAsync()
    {
        (string Method, string Body)[] calls =
        [
            ("getMe", "{}"),
            ("sendMessage", """{"chat_id":-1,"text":"warm-up","reply_markup":{"inline_keyboard":[[{"text":"ok","callback_data":"warm"}]]}}"""),
            ("sendMessage", """{"chat_id":-1,"text":"warm-up"}"""),
            ("editMessageText", """{"chat_id":-1,"message_id":1,"text":"warm-up"}"""),
            ("answerCallbackQuery", """{"callback_query_id":"warm-up"}"""),
            ("getUpdates", """{"offset":0,"limit":100,"timeout":0}"""),
        ];
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        for (var round = 0; round < 3; round++)
        {
            foreach (var (method, body) in calls)
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(new Uri($"/bot{Token}/{method}", UriKind.Relative), content);
            }
        }

        limits = enforceLimits ? new SendLimits() : null;
        Interlocked.Exchange(ref requests, 0);
    }

    public int NextMessageId(long chatId) => Interlocked.Increment(ref lastMessageIds.GetOrAdd(chatId, _ => new StrongBox<int>()).Value);

    // A private-chat text message from the user; a leading "/word" gets its bot_command entity.
    public Message UserText(long chatId, string text)
    {
        var message = new Message
        {
            Id = NextMessageId(chatId),
            Chat = new Chat { Id = chatId, Type = ChatType.Private, FirstName = "Learner" },
            From = new User { Id = chatId, FirstName = "Learner" },
            Date = DateTime.UtcNow,
            Text = text,
        };
        if (text.StartsWith('/'))
        {
            var length = text.IndexOf(' ', StringComparison.Ordinal) is var space and > 0 ? space : text.Length;
            message.Entities = [new MessageEntity { Type = MessageEntityType.BotCommand, Offset = 0, Length = length }];
        }

        return message;
    }

    // The user presses an inline button under a message the bot sent to that (private) chat.
    public static CallbackQuery ButtonPress(BotMessage shown, long fromId, string data) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        From = new User { Id = fromId, FirstName = "Admin" },
        ChatInstance = shown.ChatId.ToString(CultureInfo.InvariantCulture),
        Data = data,
        Message = new Message
        {
            Id = shown.MessageId,
            Chat = new Chat { Id = shown.ChatId, Type = ChatType.Private },
            From = BotUser,
            Date = DateTime.UtcNow,
            Text = shown.Text,
        },
    };

    /// <returns>The id of the first update queued.</returns>
    public int Enqueue(IEnumerable<Update> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);

        // Serialized once here, so getUpdates only copies bytes.
        lock (updatesLock)
        {
            var first = updates.Count + 1;
            foreach (var update in batch)
            {
                update.Id = updates.Count + 1;
                updates.Add(new QueuedUpdate(JsonSerializer.SerializeToUtf8Bytes(update, JsonBotAPI.Options)));
            }

            Signal(ref updatesArrived);
            return first;
        }
    }

    // Stopwatch timestamp of the update's first hand-out, or 0 if it was never handed out.
    public long HandedOutAt(int updateId)
    {
        lock (updatesLock)
        {
            return updates[updateId - 1].HandedOutAt;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref requests);
        var method = ParsePath(context.Request.Path.Value, out var methodName);
        if (method == Method.WrongToken)
        {
            await WriteErrorAsync(context, 401, "Unauthorized");
            return;
        }

        if (delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (method == Method.SendDocument)
        {
            await SendDocumentAsync(context);
            return;
        }

        using var body = context.Request.ContentLength is 0 ? null : await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var fields = body?.RootElement ?? default;
        switch (method)
        {
            case Method.GetUpdates:
                await GetUpdatesAsync(context, fields);
                return;
            case Method.SendMessage:
                await SendMessageAsync(context, fields);
                return;
            case Method.EditMessageText:
                await EditMessageTextAsync(context, fields);
                return;
            case Method.GetMe:
                await WriteResultAsync(context, BotUser);
                return;
            case Method.AnswerCallbackQuery or Method.SetMyCommands or Method.SetChatMenuButton or Method.DeleteWebhook:
                await WriteResultAsync(context, true);
                return;
            default:
                unknownMethods.AddOrUpdate(methodName, 1, (_, count) => count + 1);
                await WriteErrorAsync(context, 404, "Not Found: method not faked by the bench");
                return;
        }
    }

    private static Method ParsePath(string? path, out string methodName)
    {
        methodName = path ?? "";
        var span = methodName.AsSpan();
        if (!span.StartsWith("/bot"))
        {
            return Method.Other;
        }

        var slash = span[4..].IndexOf('/');
        if (slash < 0 || !span.Slice(4, slash).SequenceEqual(Token))
        {
            return Method.WrongToken;
        }

        var name = span[(5 + slash)..];
        methodName = name.ToString();
        return name switch
        {
            "getUpdates" => Method.GetUpdates,
            "sendMessage" => Method.SendMessage,
            "editMessageText" => Method.EditMessageText,
            "getMe" => Method.GetMe,
            "answerCallbackQuery" => Method.AnswerCallbackQuery,
            "setMyCommands" => Method.SetMyCommands,
            "deleteWebhook" => Method.DeleteWebhook,
            "setChatMenuButton" => Method.SetChatMenuButton,
            "sendDocument" => Method.SendDocument,
            _ => Method.Other,
        };
    }

    // Long poll: answers at once when updates are waiting, else when some arrive or the timeout passes.
    private async Task GetUpdatesAsync(HttpContext context, JsonElement fields)
    {
        var offset = Int(fields, "offset") ?? 0;
        var limit = Math.Clamp(Int(fields, "limit") ?? 100, 1, 100);
        var timeout = TimeSpan.FromSeconds(Math.Clamp(Int(fields, "timeout") ?? 0, 0, 50));
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        lock (updatesLock)
        {
            Signal(ref polled);
        }

        while (true)
        {
            byte[][] batch;
            Task arrived;
            lock (updatesLock)
            {
                if (offset > 0)
                {
                    confirmed = Math.Clamp(offset - 1, confirmed, updates.Count);
                }

                batch = new byte[Math.Min(limit, updates.Count - confirmed)][];
                var now = Stopwatch.GetTimestamp();
                for (var i = 0; i < batch.Length; i++)
                {
                    var update = updates[confirmed + i];
                    if (update.HandedOutAt == 0)
                    {
                        update.HandedOutAt = now;
                    }

                    batch[i] = update.Json;
                }

                arrived = updatesArrived.Task;
            }

            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (batch.Length > 0 || Stopwatch.GetTimestamp() >= deadline)
            {
                await WriteUpdatesAsync(context, batch);
                return;
            }

            try
            {
                await arrived.WaitAsync(remaining, context.RequestAborted);
            }
            catch (TimeoutException)
            {
                // Answer with no updates on the next turn.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SendMessageAsync(HttpContext context, JsonElement fields)
    {
        var chatId = Long(fields, "chat_id") ?? 0;
        if (limits?.TryAccept(chatId, Stopwatch.GetTimestamp()) is { } retryAfter)
        {
            Interlocked.Increment(ref tooManyRequests);
            await WriteErrorAsync(context, 429, $"Too Many Requests: retry after {retryAfter}", retryAfter);
            return;
        }

        var text = String(fields, "text") ?? "";
        var messageId = NextMessageId(chatId);
        Observer?.Invoke(new BotMessage(BotAction.Send, chatId, messageId, text, FirstCallbackData(fields), Stopwatch.GetTimestamp()));
        await WriteResultAsync(context, new Message
        {
            Id = messageId,
            Chat = new Chat { Id = chatId, Type = ChatType.Private },
            From = BotUser,
            Date = DateTime.UtcNow,
            Text = text,
        });
    }

    // multipart/form-data: chat_id and caption are read, the file is read and discarded, its bytes counted.
    private async Task SendDocumentAsync(HttpContext context)
    {
        var boundary = MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) ? HeaderUtilities.RemoveQuotes(type.Boundary).Value : null;
        if (string.IsNullOrEmpty(boundary))
        {
            await WriteErrorAsync(context, 400, "Bad Request: sendDocument expects multipart/form-data");
            return;
        }

        long chatId = 0;
        var caption = "";
        var fileName = "";
        long bytes = 0;
        var reader = new MultipartReader(boundary, context.Request.Body);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (disposition.FileName.HasValue || disposition.FileNameStar.HasValue)
                {
                    fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? disposition.FileNameStar.Value ?? "";
                    int read;
                    while ((read = await section.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
                    {
                        bytes += read;
                    }
                }
                else
                {
                    using var text = new StreamReader(section.Body, Encoding.UTF8);
                    var value = await text.ReadToEndAsync(context.RequestAborted);
                    if (name == "chat_id")
                    {
                        chatId = long.Parse(value, CultureInfo.InvariantCulture);
                    }
                    else if (name == "caption")
                    {
                        caption = value;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var messageId = NextMessageId(chatId);
        DocumentObserver?.Invoke(new SentDocument(chatId, fileName, bytes, caption, Stopwatch.GetTimestamp()));
        await WriteResultAsync(context, new Message
        {
            Id = messageId,
            Chat = new Chat { Id = chatId, Type = ChatType.Private },
            From = BotUser,
            Date = DateTime.UtcNow,
            Caption = caption,
        });
    }

    private async Task EditMessageTextAsync(HttpContext context, JsonElement fields)
    {
        var chatId = Long(fields, "chat_id") ?? 0;
        var messageId = Int(fields, "message_id") ?? 0;
        var text = String(fields, "text") ?? "";
        Observer?.Invoke(new BotMessage(BotAction.Edit, chatId, messageId, text, FirstCallbackData(fields), Stopwatch.GetTimestamp()));
        await WriteResultAsync(context, new Message
        {
            Id = messageId,
            Chat = new Chat { Id = chatId, Type = ChatType.Private },
            From = BotUser,
            Date = DateTime.UtcNow,
            EditDate = DateTime.UtcNow,
            Text = text,
        });
    }

    // reply_markup.inline_keyboard[0][0].callback_data, the button a scenario presses.
    private static string? FirstCallbackData(JsonElement fields)
    {
        if (fields.ValueKind != JsonValueKind.Object || !fields.TryGetProperty("reply_markup", out var markup))
        {
            return null;
        }

        if (markup.ValueKind == JsonValueKind.String)
        {
            using var parsed = JsonDocument.Parse(markup.GetString()!);
            return FirstCallbackData(parsed.RootElement);
        }

        return markup.TryGetProperty("inline_keyboard", out var rows) && rows.GetArrayLength() > 0 && rows[0].GetArrayLength() > 0
            && rows[0][0].TryGetProperty("callback_data", out var data)
            ? data.GetString()
            : null;
    }

    private static Task WriteResultAsync<T>(HttpContext context, T result) =>
        WriteAsync(context, 200, [OkPrefix, JsonSerializer.SerializeToUtf8Bytes(result, JsonBotAPI.Options), OkSuffix]);

    private static Task WriteUpdatesAsync(HttpContext context, byte[][] batch)
    {
        var parts = new List<byte[]>(batch.Length * 2 + 2) { OkPrefix, ArrayStart };
        for (var i = 0; i < batch.Length; i++)
        {
            if (i > 0)
            {
                parts.Add(Comma);
            }

            parts.Add(batch[i]);
        }

        parts.Add(ArrayEndOkSuffix);
        return WriteAsync(context, 200, parts);
    }

    private static Task WriteErrorAsync(HttpContext context, int code, string description, int? retryAfter = null)
    {
        var parameters = retryAfter is { } seconds ? $",\"parameters\":{{\"retry_after\":{seconds}}}" : "";
        var json = $"{{\"ok\":false,\"error_code\":{code},\"description\":{JsonSerializer.Serialize(description)}{parameters}}}";
        return WriteAsync(context, code, [Encoding.UTF8.GetBytes(json)]);
    }

    // One buffer-writer pass with Content-Length set: no chunked encoding, no intermediate copy.
    private static async Task WriteAsync(HttpContext context, int status, IReadOnlyList<byte[]> parts)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        long length = 0;
        foreach (var part in parts)
        {
            length += part.Length;
        }

        response.ContentLength = length;
        foreach (var part in parts)
        {
            response.BodyWriter.Write(part);
        }

        try
        {
            await response.BodyWriter.FlushAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The bot went away (killed at the end of a run).
        }
    }

    private static long? Long(JsonElement fields, string name) =>
        fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.Number => value.GetInt64(),
                JsonValueKind.String when long.TryParse(value.GetString(), CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => null,
            }
            : null;

    private static int? Int(JsonElement fields, string name) => Long(fields, name) is { } value ? (int)value : null;

    private static string? String(JsonElement fields, string name) =>
        fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void Signal(ref TaskCompletionSource signal)
    {
        var previous = signal;
        signal = NewSignal();
        previous.TrySetResult();
    }

    private enum Method
    {
        Other,
        WrongToken,
        GetUpdates,
        SendMessage,
        EditMessageText,
        GetMe,
        AnswerCallbackQuery,
        SetMyCommands,
        SetChatMenuButton,
        DeleteWebhook,
        SendDocument,
    }

    private sealed class QueuedUpdate(byte[] json)
    {
        public byte[] Json { get; } = json;
        public long HandedOutAt { get; set; }
    }

    // Telegram's limits as the bench enforces them on sendMessage, at the moment a request is handled:
    // refused (429) when it would make more than 30 accepted sends in any 1 s overall, when the
    // same private chat had an accepted send less than 1 s before, or when a group chat (negative
    // id) had 20 accepted sends in the last minute.
    private sealed class SendLimits
    {
        private const int PerSecond = 30;
        private const int PerGroupMinute = 20;
        private static readonly long Second = Stopwatch.Frequency;
        private static readonly long Minute = Stopwatch.Frequency * 60;

        private readonly object sync = new();

        // The last 30 accepted sends; `oldest` indexes the earliest of them once the ring is full.
        private readonly long[] recent = new long[PerSecond];
        private readonly Dictionary<long, long> lastByChat = [];
        private readonly Dictionary<long, Queue<long>> recentByGroup = [];
        private int oldest;
        private int accepted;

        public int ChatRefusals { get; private set; }
        public int GlobalRefusals { get; private set; }
        public int GroupRefusals { get; private set; }

        /// <returns>Null when accepted (and counted), else the whole seconds to wait.</returns>
        public int? TryAccept(long chatId, long now)
        {
            lock (sync)
            {
                if (chatId > 0 && lastByChat.TryGetValue(chatId, out var last) && now - last < Second)
                {
                    ChatRefusals++;
                    return RetryAfter(last + Second - now);
                }

                Queue<long>? groupSends = null;
                if (chatId < 0 && recentByGroup.TryGetValue(chatId, out groupSends) && groupSends.Count >= PerGroupMinute && now - groupSends.Peek() < Minute)
                {
                    GroupRefusals++;
                    return RetryAfter(groupSends.Peek() + Minute - now);
                }

                if (accepted >= PerSecond && now - recent[oldest] < Second)
                {
                    GlobalRefusals++;
                    return RetryAfter(recent[oldest] + Second - now);
                }

                recent[oldest] = now;
                oldest = (oldest + 1) % PerSecond;
                accepted++;
                if (chatId > 0)
                {
                    lastByChat[chatId] = now;
                }
                else if (chatId < 0)
                {
                    if (groupSends is null)
                    {
                        recentByGroup[chatId] = groupSends = new Queue<long>(PerGroupMinute + 1);
                    }

                    groupSends.Enqueue(now);
                    if (groupSends.Count > PerGroupMinute)
                    {
                        groupSends.Dequeue();
                    }
                }

                return null;
            }
        }

        private static int RetryAfter(long ticks) => (int)Math.Max(1, (ticks + Second - 1) / Second);
    }
}

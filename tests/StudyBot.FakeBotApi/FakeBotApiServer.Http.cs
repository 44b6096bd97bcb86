using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Telegram.Bot;

namespace StudyBot.FakeBotApi;

// Serving /bot{token}/{method}: the token check, the request read into fields, the verdict applied,
// the dispatch to a method, and Telegram's JSON answers.
public sealed partial class FakeBotApiServer
{
    private static bool IsLimitedSend(string method) => method is "sendMessage" or "sendDocument" or "sendPhoto" or "copyMessage";

    private async Task HandleAsync(HttpContext context, string token, string method)
    {
        if (token != Token)
        {
            await WriteErrorAsync(context, 401, "Unauthorized");
            return;
        }

        var request = await ReadRequestAsync(context.Request);
        if (IsLimitedSend(method) && !await WaitWhileHeldAsync(request.Long("chat_id") ?? 0, context.RequestAborted))
        {
            return;
        }

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

    private async Task AnswerAsync(HttpContext context, string method, Request request, Verdict verdict)
    {
        if (verdict.Delay > TimeSpan.Zero)
        {
            await Task.Delay(verdict.Delay, context.RequestAborted);
        }

        if (verdict.Failure is { } failure)
        {
            await WriteErrorAsync(context, failure.StatusCode, failure.Description, failure.RetryAfter, failure.MigrateToChatId);
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
            case "setMyCommands" or "deleteMyCommands":
                RecordCommandMenu(request, deleted: method == "deleteMyCommands");
                await WriteResultAsync(context, true);
                return;
            case "setChatMenuButton":
                RecordMenuButton(request);
                await WriteResultAsync(context, true);
                return;
            case "getChatMenuButton":
                await WriteResultAsync(context, MenuButtonFor(request.Long("chat_id")) ?? new JsonObject { ["type"] = "default" });
                return;
            case "answerCallbackQuery":
                RecordButtonAnswer(request);
                await WriteResultAsync(context, true);
                return;
            case "deleteWebhook" or "setWebhook":
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
            case "getChatMember":
                await GetChatMemberAsync(context, request);
                return;
            case "setMessageReaction":
                await SetMessageReactionAsync(context, request);
                return;
            case "leaveChat":
                await LeaveChatAsync(context, request);
                return;
            default:
                await WriteErrorAsync(context, 404, $"Not Found: method {method} is not faked");
                return;
        }
    }

    private static async Task WriteResultAsync<T>(HttpContext context, T result)
    {
        context.Response.ContentType = "application/json";
        var body = new JsonObject { ["ok"] = true, ["result"] = JsonSerializer.SerializeToNode(result, JsonBotAPI.Options) };
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private async Task WriteErrorAsync(HttpContext context, int code, string description, int? retryAfter = null, long? migrateToChatId = null)
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
        else if (migrateToChatId is { } newChatId)
        {
            body["parameters"] = new JsonObject { ["migrate_to_chat_id"] = newChatId };
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

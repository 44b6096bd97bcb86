using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Telegram.Bot.Types;

namespace StudyBot.FakeBotApi;

// The faked Bot API methods: getUpdates (long polling), the sends, editMessageText, setMyCommands
// and deleteMyCommands, setChatMenuButton and getChatMenuButton, answerCallbackQuery, and getFile with its download. Those of group chats
// are in FakeBotApiServer.ChatMethods.cs.
public sealed partial class FakeBotApiServer
{
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
            Chat = ChatOf(chatId),
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

    private void RecordButtonAnswer(Request request)
    {
        var answer = new ButtonAnswer(request.String("callback_query_id") ?? "", request.String("text"), request.Bool("show_alert") ?? false);
        lock (gate)
        {
            buttonAnswers.Add(answer);
            Signal(ref sentChanged);
        }
    }

    // Telegram's answers: an unknown message is "not found"; the same text and buttons as shown are
    // "not modified", and nothing changes.
    private async Task EditAsync(HttpContext context, Request request)
    {
        var chatId = request.Long("chat_id") ?? 0;
        var messageId = (int)(request.Long("message_id") ?? 0);
        var text = request.String("text") ?? "";
        var replyMarkup = request.Json("reply_markup");
        bool found;
        bool modified;
        lock (gate)
        {
            var target = sent.FirstOrDefault(m => m.ChatId == chatId && m.MessageId == messageId);
            found = target is not null;
            modified = target is not null && (target.Text != text || replyMarkup?.ToJsonString() != target.ReplyMarkup?.ToJsonString());
            if (target is not null && modified)
            {
                target.Edits.Add(target.Text);
                target.Text = text;
                target.ReplyMarkup = replyMarkup;
            }
            else if (found)
            {
                Interlocked.Increment(ref editsNotModified);
            }

            Signal(ref sentChanged);
        }

        if (!found)
        {
            await WriteErrorAsync(context, 400, "Bad Request: message to edit not found");
            return;
        }

        if (!modified)
        {
            await WriteErrorAsync(context, 400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a specified content and reply markup of the message");
            return;
        }

        await WriteResultAsync(context, new Message { Id = messageId, Chat = ChatOf(chatId), From = BotUser(), Date = DateTime.UtcNow, Text = text });
    }

    // A deletion is recorded with no commands: the scope falls back to a wider scope's menu.
    private void RecordCommandMenu(Request request, bool deleted)
    {
        var scope = request.Json("scope");
        var commands = request.Json("commands")?.AsArray()
            .Select(c => (c!["command"]!.GetValue<string>(), c["description"]!.GetValue<string>()))
            .ToList() ?? [];
        var call = new CommandMenuCall(scope?["type"]?.GetValue<string>() ?? "default", IdIn(scope, "chat_id"), IdIn(scope, "user_id"), request.String("language_code"), commands)
        {
            Deleted = deleted,
        };
        lock (gate)
        {
            commandMenus.Add(call);
            Signal(ref sentChanged);
        }
    }

    // Without chat_id the default button changes; a chat's own button outranks it, as in Telegram.
    private void RecordMenuButton(Request request)
    {
        var button = request.Json("menu_button")?.DeepClone() ?? new JsonObject { ["type"] = "default" };
        lock (gate)
        {
            if (request.Long("chat_id") is { } chatId)
            {
                menuButtons[chatId] = button;
            }
            else
            {
                defaultMenuButton = button;
            }

            Signal(ref sentChanged);
        }
    }

    // A scope's chat_id or user_id: a number, sent as one or as text; null when absent or a @username.
    private static long? IdIn(JsonNode? scope, string field) =>
        scope?[field] is { } id && long.TryParse(id.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

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
}

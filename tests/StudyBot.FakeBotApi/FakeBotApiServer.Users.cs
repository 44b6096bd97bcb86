using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace StudyBot.FakeBotApi;

// The users' side: what a test does as a Telegram user (each action becomes an update the bot
// fetches with getUpdates). What the bot did is read back in FakeBotApiServer.Sent.cs.
public sealed partial class FakeBotApiServer
{
    // A "/..." text gets a bot_command entity first; `entities` are added after it.
    // For a group chat, UserSendsInGroup (Groups.cs) gives the message its group and sender.
    public Message UserSends(long chatId, string text, int? replyTo = null, long? fromId = null, string firstName = "Learner", IEnumerable<MessageEntity>? entities = null, string? username = null)
    {
        var message = NewUserMessage(chatId, fromId, firstName);
        message.From!.Username = username;
        message.Text = text;
        message.Entities = EntitiesOf(text, entities);

        if (replyTo is { } replyId)
        {
            message.ReplyToMessage = new Message { Id = replyId, Chat = message.Chat, Date = message.Date, Text = FindSent(chatId, replyId)?.Text };
        }

        Enqueue(new Update { Message = message });
        return message;
    }

    // A text's new text, or a photo's or voice message's new caption.
    public void UserEdits(Message original, string newText)
    {
        var edited = new Message
        {
            Id = original.Id,
            Chat = original.Chat,
            From = original.From,
            Date = original.Date,
            EditDate = DateTime.UtcNow,
            Text = original.Text is null ? null : newText,
            Photo = original.Photo,
            Voice = original.Voice,
            Caption = original.Text is null ? newText : null,
            ReplyToMessage = original.ReplyToMessage,
        };
        Enqueue(new Update { EditedMessage = edited });
    }

    // A photo as Telegram sends it: its sizes smallest first, a thumbnail and the picture itself,
    // whose bytes (content) the bot can fetch with getFile and DownloadFile.
    public Message UserSendsPhoto(long chatId, byte[] content, int width, int height, string? caption = null, int? replyTo = null)
    {
        var message = NewUserMessage(chatId, null, "Learner");
        message.Photo = PhotoSizes(content, width, height);
        message.Caption = caption;
        message.ReplyToMessage = ReplyOf(message, replyTo);
        Enqueue(new Update { Message = message });
        return message;
    }

    // A voice message of the given length; its (made-up) audio can be fetched like any file.
    public Message UserSendsVoice(long chatId, int seconds, int? replyTo = null)
    {
        var message = NewUserMessage(chatId, null, "Learner");
        var fileId = StoreFile([0x4F, 0x67, 0x67, 0x53]);
        message.Voice = new Voice { FileId = fileId, FileUniqueId = "u-" + fileId, Duration = seconds, MimeType = "audio/ogg", FileSize = 4 };
        message.ReplyToMessage = ReplyOf(message, replyTo);
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

    // Someone (an admin, say) sends the bot a file; the bot can fetch it with getFile and DownloadFile.
    public Message SendsDocument(long chatId, string fileName, byte[] content, string? caption = null, long? fromId = null, bool reportsSize = true)
    {
        ArgumentNullException.ThrowIfNull(content);
        var fileId = StoreFile(content, reportsSize);

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

    // Returns the callback query's id, by which the bot's answer to the press can be found.
    public string UserPresses(long chatId, int messageId, string data, long? fromId = null)
    {
        var shown = FindSent(chatId, messageId) ?? throw new InvalidOperationException($"No message {messageId} in chat {chatId}");
        if (chatId < 0 && fromId is null)
        {
            throw new ArgumentException("In a group, say which user pressed.", nameof(fromId));
        }

        var query = new CallbackQuery
        {
            Id = Guid.NewGuid().ToString("N"),
            From = new User { Id = fromId ?? chatId, FirstName = "Learner" },
            ChatInstance = chatId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Data = data,
            Message = new Message { Id = messageId, Chat = ChatOf(chatId), From = BotUser(), Date = shown.SentAtUtc, Text = shown.Text },
        };
        Enqueue(new Update { CallbackQuery = query });
        return query.Id;
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

    // A file the bot can fetch with getFile and DownloadFile; reportsSize: false leaves its size out.
    private string StoreFile(byte[] content, bool reportsSize = true)
    {
        var fileId = $"file-{Interlocked.Increment(ref lastFileNumber)}";
        lock (gate)
        {
            files[fileId] = [.. content];
            if (!reportsSize)
            {
                filesWithoutSize.Add(fileId);
            }
        }

        return fileId;
    }

    // Telegram's thumbnail is at most 90 pixels wide; its file is never fetched by the bot, so it
    // has no content here.
    private PhotoSize[] PhotoSizes(byte[] content, int width, int height)
    {
        var fileId = StoreFile(content);
        return
        [
            new PhotoSize { FileId = fileId + "-thumbnail", FileUniqueId = $"u-{fileId}-thumbnail", Width = Math.Min(90, width), Height = Math.Min(90, width) * height / Math.Max(1, width) },
            new PhotoSize { FileId = fileId, FileUniqueId = "u-" + fileId, Width = width, Height = height, FileSize = content.Length },
        ];
    }

    private Message? ReplyOf(Message message, int? replyTo) => replyTo is { } replyId
        ? new Message { Id = replyId, Chat = message.Chat, Date = message.Date, Text = FindSent(message.Chat.Id, replyId)?.Text }
        : null;

    private Message NewUserMessage(long chatId, long? fromId, string firstName)
    {
        lock (gate)
        {
            if (groups.ContainsKey(chatId))
            {
                throw new InvalidOperationException($"Chat {chatId} is a group: UserSendsInGroup posts in it as one of its users.");
            }
        }

        return new Message
        {
            Id = NextMessageId(chatId),
            Chat = new Chat { Id = chatId, Type = ChatType.Private, FirstName = firstName },
            From = new User { Id = fromId ?? chatId, FirstName = firstName, LanguageCode = "en" },
            Date = DateTime.UtcNow,
        };
    }

    // A "/..." text (with or without "@bot") gets a bot_command entity first; `extra` follow it.
    private static MessageEntity[]? EntitiesOf(string text, IEnumerable<MessageEntity>? extra)
    {
        var entities = new List<MessageEntity>();
        if (text.StartsWith('/'))
        {
            var length = text.IndexOf(' ') is var space and > 0 ? space : text.Length;
            entities.Add(new MessageEntity { Type = MessageEntityType.BotCommand, Offset = 0, Length = length });
        }

        entities.AddRange(extra ?? []);
        return entities.Count > 0 ? [.. entities] : null;
    }

    private static ChatMemberUpdated NewMemberChange(long chatId, ChatMember oldMember, ChatMember newMember) => new()
    {
        Chat = new Chat { Id = chatId, Type = ChatType.Private, FirstName = "Learner" },
        From = new User { Id = chatId, FirstName = "Learner", LanguageCode = "en" },
        Date = DateTime.UtcNow,
        OldChatMember = oldMember,
        NewChatMember = newMember,
    };

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
}

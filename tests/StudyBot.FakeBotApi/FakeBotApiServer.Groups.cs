using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace StudyBot.FakeBotApi;

// Group chats as a test plays them: created, the bot added or removed, users' statuses set, users
// posting, and a basic group upgraded to a supergroup. Sends to a group the bot is not in, or to
// a group that was upgraded, are refused as Telegram refuses them (GroupRefusal, from Decide).
// Only groups made with CreateGroupChat are checked: other negative ids take any send, as before.
public sealed partial class FakeBotApiServer
{
    // Telegram numbers basic groups from -1 to -999999999999, and supergroups -100 followed by
    // the channel id; the fake holds a test to those ranges, so the bot may rely on them.
    public void CreateGroupChat(long chatId, string title, bool supergroup = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(title);
        var inRange = supergroup ? chatId <= SupergroupIdsFrom : chatId is < 0 and > SupergroupIdsFrom;
        if (!inRange)
        {
            throw new ArgumentOutOfRangeException(nameof(chatId), chatId, supergroup
                ? "A supergroup's id is -100 followed by 10 or more digits."
                : "A basic group's id is negative, above -1000000000000.");
        }

        lock (gate)
        {
            if (!groups.TryAdd(chatId, new GroupChat(chatId, title, supergroup)))
            {
                throw new InvalidOperationException($"Group {chatId} already exists.");
            }
        }
    }

    public ChatMemberUpdated AddBotToGroup(long groupChatId, long byUserId, bool asAdministrator = false) =>
        ChangeBotStatusInGroup(groupChatId, byUserId, asAdministrator ? ChatMemberStatus.Administrator : ChatMemberStatus.Member);

    // kicked: false leaves the bot "left", and sends get "bot is not a member of the ... chat";
    // true bans it, as removing a member from a supergroup does, and sends get "bot was kicked from
    // the ... chat".
    public ChatMemberUpdated RemoveBotFromGroup(long groupChatId, long byUserId, bool kicked = false) =>
        ChangeBotStatusInGroup(groupChatId, byUserId, kicked ? ChatMemberStatus.Kicked : ChatMemberStatus.Left);

    // Added, removed, promoted or demoted by a user: the bot sees a my_chat_member update from them.
    public ChatMemberUpdated ChangeBotStatusInGroup(long groupChatId, long byUserId, ChatMemberStatus newStatus)
    {
        lock (gate)
        {
            // Whoever changes the bot's status is in the group, even if the test did not say so.
            LiveGroup(groupChatId).Members.TryAdd(byUserId, ChatMemberStatus.Member);
            return ChangeBotStatus(groupChatId, Learner(byUserId), newStatus);
        }
    }

    // What getChatMember answers for the user; a user never set is "left". The bot's own status is
    // set with AddBotToGroup, RemoveBotFromGroup and ChangeBotStatusInGroup.
    public void SetGroupMember(long groupChatId, long userId, ChatMemberStatus status)
    {
        if (userId == BotUserId)
        {
            throw new ArgumentException("The bot's status changes with AddBotToGroup, RemoveBotFromGroup or ChangeBotStatusInGroup, which tell the bot.", nameof(userId));
        }

        lock (gate)
        {
            LiveGroup(groupChatId).Members[userId] = status;
        }
    }

    // Telegram delivers a group's messages only while the bot is in it, so posting in a group the
    // bot is not in is a mistake in the test and throws. The user becomes a member unless banned.
    // A reply carries the original message with its sender, as Telegram sends it.
    public Message UserSendsInGroup(long groupChatId, long userId, string text, int? replyToMessageId = null) =>
        UserPostsInGroup(groupChatId, userId, replyToMessageId, message =>
        {
            message.Text = text;
            message.Entities = EntitiesOf(text, null);
        });

    // A photo posted in a group, as UserSendsPhoto does in a private chat.
    public Message UserSendsPhotoInGroup(long groupChatId, long userId, byte[] content, int width, int height, string? caption = null, int? replyToMessageId = null) =>
        UserPostsInGroup(groupChatId, userId, replyToMessageId, message =>
        {
            message.Photo = PhotoSizes(content, width, height);
            message.Caption = caption;
        });

    private Message UserPostsInGroup(long groupChatId, long userId, int? replyToMessageId, Action<Message> content)
    {
        lock (gate)
        {
            var group = LiveGroup(groupChatId);
            if (!IsIn(group.BotStatus))
            {
                throw new InvalidOperationException($"The bot is not in group {groupChatId} ({group.BotStatus}): Telegram would not deliver the message.");
            }

            var status = group.Members.GetValueOrDefault(userId, ChatMemberStatus.Left);
            if (status == ChatMemberStatus.Kicked)
            {
                throw new InvalidOperationException($"User {userId} is banned from group {groupChatId} and cannot post.");
            }

            if (status == ChatMemberStatus.Left)
            {
                group.Members[userId] = ChatMemberStatus.Member;
            }

            var message = new Message
            {
                Id = NextMessageId(groupChatId),
                Chat = group.ToChat(),
                From = Learner(userId),
                Date = DateTime.UtcNow,
            };
            content(message);
            if (replyToMessageId is { } replyId)
            {
                message.ReplyToMessage = FindMessage(groupChatId, replyId)
                    ?? throw new InvalidOperationException($"No message {replyId} in group {groupChatId} to reply to.");
            }

            Enqueue(new Update { Message = message });
            return message;
        }
    }

    // Telegram's upgrade of a basic group: a service message with migrate_to_chat_id in the old
    // group, then one with migrate_from_chat_id in the new supergroup, which keeps the title, the
    // members and the bot's status. Later sends to the old id get 400 with the new id in
    // parameters.migrate_to_chat_id. Returns the migrate_to_chat_id message; the bot gets neither
    // message unless it is in the group.
    public Message MigrateGroupToSupergroup(long groupChatId, long supergroupChatId, long byUserId)
    {
        lock (gate)
        {
            var group = LiveGroup(groupChatId);
            if (group.IsSupergroup)
            {
                throw new InvalidOperationException($"Chat {groupChatId} is a supergroup already.");
            }

            CreateGroupChat(supergroupChatId, group.Title, supergroup: true);
            var supergroup = groups[supergroupChatId];
            supergroup.BotStatus = group.BotStatus;
            foreach (var (userId, status) in group.Members)
            {
                supergroup.Members[userId] = status;
            }

            group.MigratedTo = supergroupChatId;
            var by = Learner(byUserId);
            var now = DateTime.UtcNow;
            var migratedTo = new Message { Id = NextMessageId(groupChatId), Chat = group.ToChat(), From = by, Date = now, MigrateToChatId = supergroupChatId };
            if (IsIn(group.BotStatus))
            {
                Enqueue(new Update { Message = migratedTo });
                var migratedFrom = new Message { Id = NextMessageId(supergroupChatId), Chat = supergroup.ToChat(), From = by, Date = now, MigrateFromChatId = groupChatId };
                Enqueue(new Update { Message = migratedFrom });
            }

            return migratedTo;
        }
    }

    // Telegram's refusal of a request in a group the test created, or null when the bot may act
    // there. Called under `gate`.
    private Failure? GroupRefusal(long chatId)
    {
        if (!groups.TryGetValue(chatId, out var group))
        {
            return null;
        }

        if (group.MigratedTo is { } newChatId)
        {
            return new Failure(400, "Bad Request: group chat was upgraded to a supergroup chat", null, newChatId);
        }

        var kind = group.IsSupergroup ? "supergroup" : "group";
        return group.BotStatus switch
        {
            ChatMemberStatus.Kicked => new Failure(403, $"Forbidden: bot was kicked from the {kind} chat", null),
            ChatMemberStatus.Left => new Failure(403, $"Forbidden: bot is not a member of the {kind} chat", null),
            _ => null,
        };
    }

    // Called under `gate`.
    private ChatMemberUpdated ChangeBotStatus(long groupChatId, User by, ChatMemberStatus newStatus)
    {
        if (newStatus is not (ChatMemberStatus.Member or ChatMemberStatus.Administrator or ChatMemberStatus.Left or ChatMemberStatus.Kicked))
        {
            throw new ArgumentOutOfRangeException(nameof(newStatus), newStatus, "A bot is a member, an administrator, left or kicked.");
        }

        var group = LiveGroup(groupChatId);
        if (group.BotStatus == newStatus)
        {
            throw new InvalidOperationException($"The bot is {newStatus} in group {groupChatId} already: Telegram sends no update for no change.");
        }

        var change = new ChatMemberUpdated
        {
            Chat = group.ToChat(),
            From = by,
            Date = DateTime.UtcNow,
            OldChatMember = NewChatMember(BotUser(), group.BotStatus),
            NewChatMember = NewChatMember(BotUser(), newStatus),
        };
        group.BotStatus = newStatus;
        Enqueue(new Update { MyChatMember = change });
        return change;
    }

    // Called under `gate`. A group that was upgraded takes no more posts or changes: its
    // supergroup does.
    private GroupChat LiveGroup(long groupChatId)
    {
        if (!groups.TryGetValue(groupChatId, out var group))
        {
            throw new InvalidOperationException($"No group {groupChatId}: create it with CreateGroupChat first.");
        }

        if (group.MigratedTo is { } newChatId)
        {
            throw new InvalidOperationException($"Group {groupChatId} was upgraded to supergroup {newChatId}.");
        }

        return group;
    }

    // A message the bot can refer to (reply to, react to), as Telegram nests it in a reply: the
    // bot's own or one a user sent in the chat, without its own reply_to_message.
    private Message? FindMessage(long chatId, int messageId)
    {
        lock (gate)
        {
            if (FindSent(chatId, messageId) is { } own)
            {
                return new Message
                {
                    Id = own.MessageId,
                    Chat = ChatOf(chatId),
                    From = BotUser(),
                    Date = own.SentAtUtc,
                    Text = own.Method == "sendMessage" ? own.Text : null,
                    Caption = own.Caption,
                };
            }

            var theirs = history.Select(u => u.Message).LastOrDefault(m => m?.Chat.Id == chatId && m.Id == messageId);
            return theirs is null ? null : new Message
            {
                Id = theirs.Id,
                Chat = theirs.Chat,
                From = theirs.From,
                Date = theirs.Date,
                Text = theirs.Text,
                Entities = theirs.Entities,
                Caption = theirs.Caption,
            };
        }
    }

    private static bool IsIn(ChatMemberStatus status) =>
        status is ChatMemberStatus.Creator or ChatMemberStatus.Administrator or ChatMemberStatus.Member or ChatMemberStatus.Restricted;

    private static User Learner(long userId) => new() { Id = userId, FirstName = "Learner", LanguageCode = "en" };

    private static ChatMember NewChatMember(User user, ChatMemberStatus status) => status switch
    {
        ChatMemberStatus.Creator => new ChatMemberOwner { User = user },
        ChatMemberStatus.Administrator => new ChatMemberAdministrator { User = user, CanManageChat = true },
        ChatMemberStatus.Member => new ChatMemberMember { User = user },
        ChatMemberStatus.Restricted => new ChatMemberRestricted { User = user, IsMember = true },
        ChatMemberStatus.Left => new ChatMemberLeft { User = user },
        ChatMemberStatus.Kicked => new ChatMemberBanned { User = user },
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private sealed class GroupChat(long id, string title, bool isSupergroup)
    {
        public long Id { get; } = id;
        public string Title { get; } = title;
        public bool IsSupergroup { get; } = isSupergroup;

        // A group starts without the bot, which a test then adds.
        public ChatMemberStatus BotStatus { get; set; } = ChatMemberStatus.Left;
        public Dictionary<long, ChatMemberStatus> Members { get; } = [];
        public long? MigratedTo { get; set; }

        public Chat ToChat() => new() { Id = Id, Type = IsSupergroup ? ChatType.Supergroup : ChatType.Group, Title = Title };
    }
}

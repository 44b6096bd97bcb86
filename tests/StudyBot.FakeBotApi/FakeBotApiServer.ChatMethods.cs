using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Telegram.Bot.Types.Enums;

namespace StudyBot.FakeBotApi;

// The faked methods of chats and their members: getChatMember, setMessageReaction and leaveChat.
// In a group the bot is not in, or one that was upgraded, Decide has refused them already
// (GroupRefusal), as Telegram does.
public sealed partial class FakeBotApiServer
{
    // The only emoji a bot may react with, as the Bot API lists them (ReactionTypeEmoji): exactly
    // these code points, so "❤" without the U+FE0F that many keyboards add.
    private static readonly FrozenSet<string> ReactionEmoji = FrozenSet.ToFrozenSet(
    [
        "❤", "👍", "👎", "🔥", "🥰", "👏", "😁", "🤔", "🤯", "😱", "🤬", "😢", "🎉", "🤩", "🤮", "💩", "🙏", "👌",
        "🕊", "🤡", "🥱", "🥴", "😍", "🐳", "❤‍🔥", "🌚", "🌭", "💯", "🤣", "⚡", "🍌", "🏆", "💔", "🤨", "😐",
        "🍓", "🍾", "💋", "🖕", "😈", "😴", "😭", "🤓", "👻", "👨‍💻", "👀", "🎃", "🙈", "😇", "😨", "🤝", "✍",
        "🤗", "🫡", "🎅", "🎄", "☃", "💅", "🤪", "🗿", "🆒", "💘", "🙉", "🦄", "😘", "💊", "🙊", "😎", "👾",
        "🤷‍♂", "🤷", "🤷‍♀", "😡",
    ], StringComparer.Ordinal);

    // The requests that name a chat whose membership Telegram checks first.
    private static bool ActsInChat(string method) =>
        IsLimitedSend(method) || method is "editMessageText" or "getChatMember" or "setMessageReaction" or "leaveChat";

    // A group's member as the test set them up (a user never set is "left"); in a private chat,
    // the user and the bot.
    private async Task GetChatMemberAsync(HttpContext context, Request request)
    {
        var chatId = request.Long("chat_id") ?? 0;
        var userId = request.Long("user_id") ?? 0;
        ChatMemberStatus? status;
        lock (gate)
        {
            status = groups.TryGetValue(chatId, out var group)
                ? userId == BotUserId ? group.BotStatus : group.Members.GetValueOrDefault(userId, ChatMemberStatus.Left)
                : chatId > 0
                    ? userId == chatId || userId == BotUserId ? ChatMemberStatus.Member : ChatMemberStatus.Left
                    : null;
        }

        if (status is not { } found)
        {
            await WriteErrorAsync(context, 400, "Bad Request: chat not found");
            return;
        }

        var user = userId == BotUserId ? BotUser() : Learner(userId);
        await WriteResultAsync(context, NewChatMember(user, found));
    }

    // Each call replaces the bot's reactions on the message; an empty or absent list takes them back.
    private async Task SetMessageReactionAsync(HttpContext context, Request request)
    {
        var chatId = request.Long("chat_id") ?? 0;
        var messageId = request.Int("message_id") ?? 0;
        var requested = request.Json("reaction")?.AsArray() ?? [];
        if (FindMessage(chatId, messageId) is null)
        {
            await WriteErrorAsync(context, 400, "Bad Request: message to react not found");
            return;
        }

        string[] emoji = [.. requested
            .Select(r => r?["type"]?.GetValue<string>() == "emoji" ? r["emoji"]?.GetValue<string>() : null)
            .OfType<string>()
            .Where(ReactionEmoji.Contains)];
        if (emoji.Length != requested.Count)
        {
            await WriteErrorAsync(context, 400, "Bad Request: REACTION_INVALID");
            return;
        }

        // A bot is not a premium user: one reaction per message.
        if (emoji.Length > 1)
        {
            await WriteErrorAsync(context, 400, "Bad Request: REACTIONS_TOO_MANY");
            return;
        }

        lock (gate)
        {
            reactions[(chatId, messageId)] = emoji;
            Signal(ref sentChanged);
        }

        await WriteResultAsync(context, true);
    }

    // The bot leaves a group itself: it sees its own my_chat_member update, from itself.
    private async Task LeaveChatAsync(HttpContext context, Request request)
    {
        var chatId = request.Long("chat_id") ?? 0;
        bool known;
        lock (gate)
        {
            known = groups.ContainsKey(chatId);
            if (known)
            {
                ChangeBotStatus(chatId, BotUser(), ChatMemberStatus.Left);
            }
        }

        if (!known)
        {
            await WriteErrorAsync(context, 400, "Bad Request: chat not found");
            return;
        }

        await WriteResultAsync(context, true);
    }
}

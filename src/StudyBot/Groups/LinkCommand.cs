using System.Globalization;
using Microsoft.Extensions.Logging;
using StudyBot.Audit;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Groups;

// /link, sent in a Telegram group chat the bot was added to, links that chat to the sender's
// group; someone who runs several picks one with a button, which only they may press. A chat is
// linked to one group at most (only an organizer of that group may /unlink it), and a group to one
// chat: linking another moves it. Callback data: "lnk:<group id>:<id of who sent /link>".
internal sealed partial class LinkCommand(
    GroupStore groups,
    GroupChatStore chats,
    GroupAccess access,
    AuditLog audit,
    BotMessenger messenger,
    Texts texts,
    ILogger<LinkCommand> logger) : IBotCommand, ICallbackHandler
{
    // As many groups as make a list of buttons one can still read.
    private const int MaxChoices = 30;

    public string Name => "link";
    public CommandAudience Audience => CommandAudience.Organizer;
    public bool InGroupChats => true;
    public string Prefix => "lnk";

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Message.Chat.Type is not (ChatType.Group or ChatType.Supergroup))
        {
            context.Reply(texts.Get(context.Language, "LinkInGroupOnly"));
            return;
        }

        if (await groups.FindByLinkedChatAsync(context.ChatId, cancellationToken) is { } linked)
        {
            context.Reply(await TakenAsync(linked, context.UserId, context.Language, cancellationToken));
            return;
        }

        var choices = await ChoicesAsync(context.UserId, cancellationToken);
        switch (choices.Count)
        {
            case 0:
                context.Reply(texts.Get(context.Language, "LinkPickFirst"));
                break;
            case 1:
                context.Reply(await LinkAsync(choices[0].Id, context.Message.Chat, context.UserId, context.Language, cancellationToken));
                break;
            default:
                var asker = context.UserId.ToString(CultureInfo.InvariantCulture);
                var buttons = choices.Select(group => new[] { InlineKeyboardButton.WithCallbackData(group.Name, $"{Prefix}:{group.Id.ToString(CultureInfo.InvariantCulture)}:{asker}") });
                context.Reply(texts.Get(context.Language, "LinkPick"), new InlineKeyboardMarkup(buttons));
                break;
        }
    }

    public async Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken)
    {
        if (!TryParseButton(data, out var groupId, out var askedBy) || query.Message is not { Chat.Type: ChatType.Group or ChatType.Supergroup } message)
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken);
            return;
        }

        if (query.From.Id != askedBy)
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "LinkButtonNotYours"));
            return;
        }

        if (!await access.MayRunAsync(askedBy, groupId, cancellationToken))
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "GroupNotYours"));
            return;
        }

        // Linked meanwhile (a second press, another organizer's /link): the list is out of date.
        var reply = await groups.FindByLinkedChatAsync(message.Chat.Id, cancellationToken) is { } linked
            ? await TakenAsync(linked, askedBy, language, cancellationToken)
            : await LinkAsync(groupId, message.Chat, askedBy, language, cancellationToken);
        await messenger.AnswerButtonAsync(query.Id, cancellationToken);
        await messenger.EditTextAsync(message.Chat.Id, message.Id, reply, null, cancellationToken);
    }

    // "<group id>:<user id>", each as written (no sign, no leading zero).
    internal static bool TryParseButton(string data, out long groupId, out long askedBy)
    {
        askedBy = 0;
        var parts = data.Split(':');
        if (parts.Length != 2 || !TryParseId(parts[0], out groupId) || !TryParseId(parts[1], out askedBy))
        {
            groupId = 0;
            return false;
        }

        return true;
    }

    private static bool TryParseId(string text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id.ToString(CultureInfo.InvariantCulture) == text;

    // The groups the sender may link: those they run (every group, for an owner). A list too long
    // for buttons shrinks to their current group, or to none (they pick one with /groups first).
    private async Task<IReadOnlyList<GroupSummary>> ChoicesAsync(long userId, CancellationToken cancellationToken)
    {
        var runs = await access.GroupsRunByAsync(userId, cancellationToken);
        if (runs is { Count: 0 })
        {
            return [];
        }

        var choices = await groups.ListAsync(runs, cancellationToken);
        if (choices.Count <= MaxChoices)
        {
            return choices;
        }

        return await access.CurrentScopeAsync(userId, cancellationToken) is { GroupId: { } current }
            ? choices.Where(group => group.Id == current).ToList()
            : [];
    }

    private async Task<string> TakenAsync(StudyGroup linked, long userId, string language, CancellationToken cancellationToken) =>
        await access.MayRunAsync(userId, linked.Id, cancellationToken)
            ? texts.Get(language, "LinkAlready", linked.Name)
            : texts.Get(language, "LinkTakenOther");

    // Said in the group's own language from here on: the chat is the group's now.
    private async Task<string> LinkAsync(long groupId, Chat chat, long userId, string language, CancellationToken cancellationToken)
    {
        if (await groups.GetAsync(groupId, cancellationToken) is not { } group)
        {
            return texts.Get(language, "GroupNotYours");
        }

        if (!await chats.LinkAsync(group.Id, chat.Id, chat.Title, userId, cancellationToken))
        {
            return texts.Get(language, "LinkTakenOther");
        }

        LogLinked(userId, group.Id, chat.Id);
        await audit.WriteAsync(userId, AuditLog.Actions.ChatLinked, $"#{group.Id}: chat {chat.Id.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
        var done = texts.Get(group.Language, "LinkDone", group.Name, group.DeliveryTime, group.TimeZone);
        return group.LinkedChatId is { } previous && previous != chat.Id
            ? done + "\n" + texts.Get(group.Language, "LinkMovedHere", LinkedChats.ChatName(group))
            : done;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} linked group {GroupId} to chat {ChatId}")]
    private partial void LogLinked(long userId, long groupId, long chatId);
}

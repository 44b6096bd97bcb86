using System.Globalization;
using Microsoft.Extensions.Logging;
using StudyBot.Audit;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using Telegram.Bot.Types.Enums;

namespace StudyBot.Groups;

// /unlink, sent in a linked group chat by an organizer of the group it is linked to (or an owner):
// the chat gets no more posts. Anyone else, an organizer of another group included, changes nothing.
internal sealed partial class UnlinkCommand(GroupStore groups, GroupChatStore chats, GroupAccess access, AuditLog audit, Texts texts, ILogger<UnlinkCommand> logger) : IBotCommand
{
    public string Name => "unlink";
    public CommandAudience Audience => CommandAudience.Organizer;
    public bool InGroupChats => true;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Message.Chat.Type is not (ChatType.Group or ChatType.Supergroup))
        {
            context.Reply(texts.Get(context.Language, "UnlinkInGroupOnly"));
            return;
        }

        if (await groups.FindByLinkedChatAsync(context.ChatId, cancellationToken) is not { } group)
        {
            context.Reply(texts.Get(context.Language, "UnlinkNotLinked"));
            return;
        }

        if (!await access.MayRunAsync(context.UserId, group.Id, cancellationToken))
        {
            LogRefused(context.UserId, group.Id);
            context.Reply(texts.Get(context.Language, "UnlinkNotYours"));
            return;
        }

        if (await chats.UnlinkAsync(group.Id, context.ChatId, cancellationToken))
        {
            LogUnlinked(context.UserId, group.Id, context.ChatId);
            await audit.WriteAsync(context.UserId, AuditLog.Actions.ChatUnlinked, $"#{group.Id}: chat {context.ChatId.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
        }

        context.Reply(texts.Get(group.Language, "UnlinkDone", group.Name));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} may not unlink group {GroupId}'s chat and was refused")]
    private partial void LogRefused(long userId, long groupId);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} unlinked group {GroupId} from chat {ChatId}")]
    private partial void LogUnlinked(long userId, long groupId, long chatId);
}

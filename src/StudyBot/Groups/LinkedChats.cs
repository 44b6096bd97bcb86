using System.Globalization;
using Microsoft.Extensions.Logging;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Outbox;

namespace StudyBot.Groups;

// What happens to a linked chat besides /link and /unlink: the bot removed from it, Telegram
// refusing a post there, the chat becoming a supergroup. Each ends or moves the link, and the
// organizer who linked it is told in private by an outbox row written with the change, so once
// however many updates or refusals report the same thing. The outbox sender picks the notice up
// within a second; it is not woken from here, since it calls this itself (GroupChatOutcomes).
internal sealed partial class LinkedChats(GroupStore groups, GroupChatStore chats, LearnerStore learners, Texts texts, ILogger<LinkedChats> logger)
{
    public Task BotRemovedAsync(long chatId, CancellationToken cancellationToken) =>
        EndAsync(chatId, "LinkEndedRemoved", cancellationToken);

    public Task PostRefusedAsync(long chatId, CancellationToken cancellationToken) =>
        EndAsync(chatId, "LinkEndedRefused", cancellationToken);

    public async Task FollowAsync(long oldChatId, long newChatId, CancellationToken cancellationToken)
    {
        if (await groups.FindByLinkedChatAsync(oldChatId, cancellationToken) is not { } group)
        {
            return;
        }

        if (await chats.FollowAsync(oldChatId, newChatId, await NoticeAsync(group, "LinkMoved", cancellationToken), cancellationToken))
        {
            LogFollowed(group.Id, oldChatId, newChatId);
        }
    }

    // The chat as /group and the notices name it: its title when it was linked, else its id.
    public static string ChatName(StudyGroup group) =>
        group.LinkedChatTitle is { Length: > 0 } title ? title : group.LinkedChatId?.ToString(CultureInfo.InvariantCulture) ?? "";

    private async Task EndAsync(long chatId, string noticeKey, CancellationToken cancellationToken)
    {
        if (await groups.FindByLinkedChatAsync(chatId, cancellationToken) is not { } group)
        {
            return;
        }

        if (await chats.EndLinkAsync(chatId, await NoticeAsync(group, noticeKey, cancellationToken), cancellationToken))
        {
            LogEnded(group.Id, chatId, noticeKey);
        }
    }

    // In the organizer's own language if they are a learner too, else the group's.
    private async Task<OutboxMessage?> NoticeAsync(StudyGroup group, string key, CancellationToken cancellationToken)
    {
        if (group.LinkedByUserId is not { } organizer)
        {
            return null;
        }

        var language = (await learners.GetAsync(organizer, cancellationToken))?.Language ?? group.Language;
        return new OutboxMessage
        {
            ChatId = organizer,
            Kind = OutboxStore.Kind.LinkNotice,
            Priority = OutboxStore.Priority.Reply,
            Text = texts.Get(language, key, ChatName(group), group.Name),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {GroupId}'s chat {ChatId} is unlinked ({Reason})")]
    private partial void LogEnded(long groupId, long chatId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {GroupId}'s chat {OldChatId} became supergroup {NewChatId}; the link follows it")]
    private partial void LogFollowed(long groupId, long oldChatId, long newChatId);
}

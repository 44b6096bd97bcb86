using Microsoft.Extensions.Logging;
using StudyBot.Learners;
using StudyBot.Reflections;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;

namespace StudyBot.Groups;

// A member's reply, in a linked chat, to the day's post there is their reflection for that day,
// and an edit of it updates the reflection. It is confirmed with a reaction on their message, never
// with a message: the whole group would read one per answer. A reply from anyone who is not a
// member of the post's group (a subscribed learner in it), or to any other message, is left alone.
internal sealed partial class GroupChatReplies(GroupChatStore chats, LearnerStore learners, GroupCourses courses, BotMessenger messenger, TimeProvider time, ILogger<GroupChatReplies> logger)
{
    // "Written down"; a bot may react only with the emoji Telegram lists, and this is one of them.
    public const string SavedReaction = "✍";

    public async Task ReceiveAsync(Message message, CancellationToken cancellationToken)
    {
        if (message is not { From: { } author, ReplyToMessage: { } replied }
            || ReflectionContent.Of(message) is not { } content
            || await chats.FindPostAsync(message.Chat.Id, replied.Id, cancellationToken) is not { } post)
        {
            return;
        }

        if (await learners.GetAsync(author.Id, cancellationToken) is not { IsSubscribed: true } learner || learner.GroupId != post.GroupId)
        {
            LogNotMember(author.Id, post.GroupId);
            return;
        }

        // The learner's id is their private chat's; the group chat's message id is kept apart from
        // theirs there by source_chat_id.
        var reply = new ReflectionMessage(learner.ChatId, message.Chat.Id, message.Id);
        var today = Delivery.DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, learner.Zone);
        var group = (await courses.GetAsync(post.GroupId, cancellationToken))?.Group;
        var timing = ReflectionReceiver.AnswerTimingOf(post.LocalDate, today, group?.MakeupDays ?? 0);
        var credit = new AnswerCredit(timing, group?.Points == true, learner.MakeupDate == post.LocalDate);
        var saved = await chats.SaveReplyAsync(reply, post, content, message.EditDate is not null, credit, cancellationToken);

        // Set again for a redelivered message: the first attempt may have died before reacting.
        if (saved is SaveResult.Created or SaveResult.AlreadySaved)
        {
            await messenger.ReactAsync(message.Chat.Id, message.Id, SavedReaction, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "User {UserId} replied to group {GroupId}'s post without being a member; ignored")]
    private partial void LogNotMember(long userId, long groupId);
}

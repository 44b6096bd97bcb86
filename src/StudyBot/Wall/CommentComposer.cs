using StudyBot.Localization;
using StudyBot.Outbox;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace StudyBot.Wall;

// After Comment on the wall, the organizer's next text in their private chat is the comment: saved,
// and delivered to the reflection's author with a quote of what it is about. Any other text is
// left to the usual handling (a reflection, for an organizer who is also a learner).
internal sealed class CommentComposer(WallStore wall, WallActions actions, OutboxSender outbox, ChatReplies replies, Texts texts)
{
    // A text that replies to a message answers that message, so it is never taken as the comment.
    public async Task<bool> TryTakeAsync(Message message, string language, CancellationToken cancellationToken)
    {
        if (message is not { From: { } from, Chat.Type: ChatType.Private, Text: { } text, EditDate: null, ReplyToMessage: null }
            || await wall.PendingCommentAsync(from.Id, cancellationToken) is not { } pending)
        {
            return false;
        }

        if (WallActions.IsTooLong(text))
        {
            replies.Queue(new OutgoingMessage(message.Chat.Id, texts.Get(language, "CommentTooLong", WallActions.MaxCommentLength)) { ReplyToMessageId = message.Id });
            return true;
        }

        if (await wall.FindAsync(pending, cancellationToken) is not { } reflection)
        {
            return false;
        }

        if (!await wall.TakeCommentAsync(from.Id, pending, text, actions.CommentNotice(reflection, text, language), cancellationToken))
        {
            return false;
        }

        outbox.Wake();
        replies.Queue(new OutgoingMessage(message.Chat.Id, texts.Get(language, "CommentSent", reflection.AuthorName)) { ReplyToMessageId = message.Id });
        return true;
    }
}

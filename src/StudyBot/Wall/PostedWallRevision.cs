using StudyBot.Telegram.Sending;

namespace StudyBot.Wall;

// Sharing is the author's to take back, also after the day's wall went out: unsharing a featured
// reflection that the linked chat's wall post shows edits that post to what it would say now
// without it (and moves its "rest" button's starting point). Telegram keeps the bot's own messages
// editable; if it refuses, the post stays as it was and the rest, read at the press, leaves the
// reflection out in any case.
internal sealed class PostedWallRevision(WallPostStore store, WallPostText text, BotMessenger messenger)
{
    public async Task WithdrawAsync(long reflectionId, CancellationToken cancellationToken)
    {
        if (await store.PostedWallShowingAsync(reflectionId, cancellationToken) is not { } wall)
        {
            return;
        }

        var day = await store.DayAsync(wall.GroupId, wall.LocalDate, wall.ClaimedUtc, cancellationToken);
        var post = text.Post(wall.Group, wall.LocalDate, day);
        await store.MoveRestAsync(wall.GroupId, wall.LocalDate, post.RestFrom, cancellationToken);
        await messenger.EditTextAsync(wall.ChatId, wall.MessageId, post.Text, post.Buttons, cancellationToken);
    }
}

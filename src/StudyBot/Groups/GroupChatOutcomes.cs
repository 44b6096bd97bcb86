using StudyBot.Outbox;

namespace StudyBot.Groups;

// Follows Telegram's answers to what the outbox sent to group chats (the day's posts, broadcast
// notices): a chat that refused a send (403, or no longer found) is unlinked, and one that became
// a supergroup is followed to its new id.
internal sealed class GroupChatOutcomes(LinkedChats linked) : IOutboxListener
{
    public async Task OnRecordedAsync(IReadOnlyList<OutboxResult> results, CancellationToken cancellationToken)
    {
        // Group chats have negative ids; a learner's private chat is their (positive) user id.
        foreach (var result in results.Where(r => r.ChatId < 0))
        {
            if (result.MigratedToChatId is { } newChatId)
            {
                await linked.FollowAsync(result.ChatId, newChatId, cancellationToken);
            }
            else if (result.Status == OutboxStore.Status.Unreachable)
            {
                await linked.PostRefusedAsync(result.ChatId, cancellationToken);
            }
        }
    }

    public Task OnIdleAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

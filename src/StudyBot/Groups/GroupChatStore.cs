using System.Data.Common;
using Dapper;
using StudyBot.Content;
using StudyBot.Data;
using StudyBot.Delivery;
using StudyBot.Outbox;
using StudyBot.Reflections;

namespace StudyBot.Groups;

// A group's linked Telegram chat: the link itself (a column of study_groups, UNIQUE, so a chat is
// linked to one group at most), the day's posts there (group_posts) and members' replies to them.
internal sealed class GroupChatStore(Database database, TimeProvider time)
{
    /// <returns>false when the chat is linked to a group already (this one or another).</returns>
    public async Task<bool> LinkAsync(long groupId, long chatId, string? title, long byUserId, CancellationToken cancellationToken)
    {
        // The next post is due at once: the sweep decides whether today's is still to come.
        const string sql = """
            UPDATE study_groups
            SET linked_chat_id = @ChatId, linked_chat_title = @Title, linked_by_user_id = @UserId, next_post_utc = @Now
            WHERE id = @GroupId AND NOT EXISTS (SELECT 1 FROM study_groups other WHERE other.linked_chat_id = @ChatId)
            """;
        var parameters = new { GroupId = groupId, ChatId = chatId, Title = title, UserId = byUserId, Now = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken };
        return await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken) == 1;
    }

    /// <returns>false when the chat was not linked to that group (any more).</returns>
    public async Task<bool> UnlinkAsync(long groupId, long chatId, CancellationToken cancellationToken)
    {
        const string sql = $"{Unlink} WHERE id = @GroupId AND linked_chat_id = @ChatId";
        var parameters = new { GroupId = groupId, ChatId = chatId, CancellationToken = cancellationToken };
        return await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken) == 1;
    }

    // The chat is gone for the bot (removed, or Telegram refused a post): whatever group it was
    // linked to is unlinked, and the notice to its organizer goes out with the change, once, however
    // many updates or refusals say so.
    /// <returns>false when the chat was not linked (any more).</returns>
    public Task<bool> EndLinkAsync(long chatId, OutboxMessage? notice, CancellationToken cancellationToken)
    {
        const string sql = $"{Unlink} WHERE linked_chat_id = @ChatId";
        var parameters = new { ChatId = chatId, CancellationToken = cancellationToken };
        return ChangeWithNoticeAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), notice, cancellationToken);
    }

    // A basic group became a supergroup: the link moves to the new id (unless that chat is linked
    // already), with the notice, once: both the service message and a refused send report it.
    public Task<bool> FollowAsync(long oldChatId, long newChatId, OutboxMessage? notice, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE study_groups SET linked_chat_id = @NewChatId
            WHERE linked_chat_id = @OldChatId AND NOT EXISTS (SELECT 1 FROM study_groups other WHERE other.linked_chat_id = @NewChatId)
            """;
        var parameters = new { OldChatId = oldChatId, NewChatId = newChatId, CancellationToken = cancellationToken };
        return ChangeWithNoticeAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), notice, cancellationToken);
    }

    // Groups whose linked chat's next post time has come, earliest first, with the last day posted.
    public async Task<IReadOnlyList<DuePost>> ListDueAsync(DateTime nowUtc, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT g.id AS GroupId, g.next_post_utc AS NextPostUtc,
                   (SELECT MAX(p.local_date) FROM group_posts p WHERE p.group_id = g.id) AS LastPostDate
            FROM study_groups g
            WHERE g.next_post_utc <= @Now
            ORDER BY g.next_post_utc
            LIMIT @Limit
            """;
        return (await connection.QueryAsync<DuePost>(sql, new { Now = nowUtc, Limit = limit, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    // Moves the group's next post time on and, when `post` says so, claims the day's post with its
    // outbox row, all in one transaction. Claim before send: UNIQUE (group_id, local_date) makes
    // "did I win?" the database's answer, whatever instances or restarts. Nothing is claimed if the
    // group changed since it was read (a /groupset or /unlink wins; the next sweep plans again).
    /// <returns>true when a post was claimed.</returns>
    public Task<bool> ApplyAsync(DuePost due, DateTime nextPostUtc, PlannedPost? post, DateTime nowUtc, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            const string reschedule = "UPDATE study_groups SET next_post_utc = @Next WHERE id = @GroupId AND next_post_utc = @Expected";
            var parameters = new { Next = nextPostUtc, due.GroupId, Expected = due.NextPostUtc, CancellationToken = cancellationToken };
            if (await connection.ExecuteAsync(reschedule, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds) == 0 || post is null)
            {
                return false;
            }

            return await TryClaimAsync(connection, transaction, due.GroupId, post, nowUtc, cancellationToken);
        }, cancellationToken);

    private static async Task<bool> TryClaimAsync(DbConnection connection, DbTransaction transaction, long groupId, PlannedPost post, DateTime nowUtc, CancellationToken cancellationToken)
    {
        const string claim = """
            INSERT INTO group_posts (group_id, linked_chat_id, local_date, theme, quote, source, prompt, intention, claimed_utc)
            SELECT g.id, g.linked_chat_id, @LocalDate, @Theme, @Quote, @Source, @Prompt, @Intention, @Now
            FROM study_groups g
            WHERE g.id = @GroupId AND g.linked_chat_id IS NOT NULL
            ON CONFLICT (group_id, local_date) DO NOTHING
            RETURNING id AS Id, linked_chat_id AS LinkedChatId
            """;
        var item = post.Item;
        var parameters = new
        {
            GroupId = groupId,
            post.LocalDate,
            item.Theme,
            item.Quote,
            item.Source,
            item.Prompt,
            Intention = item.Intention ? 1 : 0,
            Now = nowUtc,
            CancellationToken = cancellationToken,
        };
        if (await connection.QuerySingleOrDefaultAsync<ClaimedPost>(claim, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds) is not { } claimed)
        {
            return false;
        }

        var message = new OutboxMessage
        {
            ChatId = claimed.LinkedChatId,
            Kind = OutboxStore.Kind.GroupPost,
            Priority = OutboxStore.Priority.Bulk,
            Text = post.Text,
            Keyboard = post.Keyboard,
            GroupPostId = claimed.Id,
        };
        await OutboxStore.EnqueueAsync(connection, transaction, message, nowUtc, cancellationToken);
        return true;
    }

    // The day's post a message in a group chat replies to, if it replies to one.
    public async Task<GroupPost?> FindPostAsync(long chatId, long messageId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT id AS Id, group_id AS GroupId, local_date AS LocalDate, theme AS Theme, quote AS Quote, source AS Source,
                   prompt AS Prompt, intention AS Intention
            FROM group_posts
            WHERE linked_chat_id = @ChatId AND message_id = @MessageId
            """;
        return await connection.QuerySingleOrDefaultAsync<GroupPost>(sql, new { ChatId = chatId, MessageId = messageId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // A member's reply to a post is their reflection on that post's day: their delivery of the day
    // is found or claimed, and the reflection saved on it, in one transaction. Null when the learner
    // no longer exists. credit: as the learner's own day and the group's settings see it.
    public Task<SaveResult?> SaveReplyAsync(ReflectionMessage reply, GroupPost post, ReflectionContent content, bool isEdit, AnswerCredit credit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var item = new ContentItem(post.Theme, post.Quote, post.Source, post.Prompt, null, post.Intention);
        return database.WriteAsync<SaveResult?>(async (connection, transaction) =>
            await DeliveryStore.ClaimAnsweredAsync(connection, transaction, reply.ChatId, post.LocalDate, item, now, cancellationToken) is { } deliveryId
                ? (await ReflectionStore.SaveAsync(connection, transaction, reply, deliveryId, content, isEdit, credit, now, cancellationToken)).Result
                : null,
            cancellationToken);
    }

    private const string Unlink = "UPDATE study_groups SET linked_chat_id = NULL, linked_chat_title = NULL, linked_by_user_id = NULL, next_post_utc = NULL";

    private Task<bool> ChangeWithNoticeAsync(Func<DbConnection, DbTransaction, Task<int>> change, OutboxMessage? notice, CancellationToken cancellationToken) =>
        OutboxStore.ChangeWithNoticeAsync(database, change, notice, time.GetUtcNow().UtcDateTime, cancellationToken);

    internal sealed class ClaimedPost
    {
        public long Id { get; set; }
        public long LinkedChatId { get; set; }
    }
}

internal sealed class DuePost
{
    public long GroupId { get; set; }
    public DateTime NextPostUtc { get; set; }
    public DateOnly? LastPostDate { get; set; }
}

// What the sweep decided to post: the day, the item, the text and its buttons as Telegram's JSON.
internal sealed record PlannedPost(DateOnly LocalDate, ContentItem Item, string Text, string? Keyboard);

// A row of group_posts, as a reply to it needs it.
internal sealed class GroupPost
{
    public long Id { get; set; }
    public long GroupId { get; set; }
    public DateOnly LocalDate { get; set; }
    public string Theme { get; set; } = "";
    public string Quote { get; set; } = "";
    public string Source { get; set; } = "";
    public string Prompt { get; set; } = "";
    public bool Intention { get; set; }
}

using Dapper;
using StudyBot.Data;
using StudyBot.Learners;
using StudyBot.Outbox;

namespace StudyBot.Broadcasts;

internal sealed class BroadcastStore(Database database, TimeProvider time)
{
    private const string Columns = """
        SELECT id AS Id, admin_chat_id AS AdminChatId, language AS Language, status AS Status, total AS Total, status_message_id AS StatusMessageId,
               created_utc AS CreatedUtc, group_id AS GroupId, text AS Text, delivered AS Delivered, blocked AS Blocked, failed AS Failed
        FROM broadcasts
        """;

    public static class Status
    {
        public const string Draft = "draft";
        public const string Sending = "sending";
        public const string Done = "done";
        public const string Cancelled = "cancelled";
    }

    // An old preview may no longer say what the organizer means to send, to whom: after this it
    // sends nothing, and /broadcast makes a new one.
    public static readonly TimeSpan DraftLifetime = TimeSpan.FromDays(1);

    public bool IsExpired(Broadcast broadcast) =>
        broadcast.Status == Status.Draft && broadcast.CreatedUtc <= time.GetUtcNow().UtcDateTime - DraftLifetime;

    // groupId: to that group's members; null: to everyone.
    public Task<long> CreateDraftAsync(long adminChatId, long adminUserId, long? groupId, string language, string text, string? entities, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO broadcasts (admin_chat_id, admin_user_id, group_id, language, text, entities, status, created_utc)
            VALUES (@AdminChatId, @AdminUserId, @GroupId, @Language, @Text, @Entities, 'draft', @Now)
            RETURNING id
            """;
        var parameters = new
        {
            AdminChatId = adminChatId,
            AdminUserId = adminUserId,
            GroupId = groupId,
            Language = language,
            Text = text,
            Entities = entities,
            Now = time.GetUtcNow().UtcDateTime,
            CancellationToken = cancellationToken,
        };
        return database.WriteAsync((connection, transaction) => connection.ExecuteScalarAsync<long>(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    public async Task<Broadcast?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"{Columns} WHERE id = @Id";
        return await connection.QuerySingleOrDefaultAsync<Broadcast>(sql, new { Id = id, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    public async Task<long> CountActiveLearnersAsync(long? groupId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT COUNT(*) FROM learners WHERE status = @Active AND (@GroupId IS NULL OR group_id = @GroupId)";
        return await connection.ExecuteScalarAsync<long>(sql, new { Active = LearnerStatus.Active, GroupId = groupId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // The linked group chats a broadcast to groupId (null: every group) is also posted in.
    public async Task<long> CountLinkedChatsAsync(long? groupId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT COUNT(*) FROM study_groups WHERE linked_chat_id IS NOT NULL AND (@GroupId IS NULL OR id = @GroupId)";
        return await connection.ExecuteScalarAsync<long>(sql, new { GroupId = groupId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // Confirming writes one outbox row per active subscriber in the same transaction as the status
    // change: the recipients are fixed at this instant, and a crash after it resumes the same list.
    /// <returns>The number of recipients, or null when the broadcast was not a draft any more, or an expired one.</returns>
    public Task<int?> TryConfirmAsync(long id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return database.WriteAsync<int?>(async (connection, transaction) =>
        {
            const string claim = "UPDATE broadcasts SET status = 'sending', confirmed_utc = @Now WHERE id = @Id AND status = 'draft' AND created_utc > @ExpiredAt";
            if (await connection.ExecuteAsync(claim, new { Id = id, Now = now, ExpiredAt = now - DraftLifetime, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds) == 0)
            {
                return null;
            }

            const string recipients = $"""
                INSERT INTO outbox (chat_id, kind, priority, text, entities, broadcast_id, status, created_utc)
                SELECT l.chat_id, '{OutboxStore.Kind.Broadcast}', @Priority, b.text, b.entities, b.id, '{OutboxStore.Status.Pending}', @Now
                FROM learners l CROSS JOIN broadcasts b
                WHERE b.id = @Id AND l.status = @Active AND (b.group_id IS NULL OR l.group_id = b.group_id)
                ON CONFLICT DO NOTHING
                """;
            var total = await connection.ExecuteAsync(recipients, new { Id = id, Now = now, Active = LearnerStatus.Active, Priority = OutboxStore.Priority.Bulk, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);

            // One copy in each linked chat of the groups it goes to; not a recipient in the counts.
            const string chats = $"""
                INSERT INTO outbox (chat_id, kind, priority, text, entities, broadcast_id, status, created_utc)
                SELECT g.linked_chat_id, '{OutboxStore.Kind.ChatNotice}', @Priority, b.text, b.entities, b.id, '{OutboxStore.Status.Pending}', @Now
                FROM study_groups g CROSS JOIN broadcasts b
                WHERE b.id = @Id AND g.linked_chat_id IS NOT NULL AND (b.group_id IS NULL OR g.id = b.group_id)
                ON CONFLICT DO NOTHING
                """;
            await connection.ExecuteAsync(chats, new { Id = id, Now = now, Priority = OutboxStore.Priority.Bulk, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);

            const string setTotal = "UPDATE broadcasts SET total = @Total WHERE id = @Id";
            await connection.ExecuteAsync(setTotal, new { Id = id, Total = total, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            return total;
        }, cancellationToken);
    }

    public async Task<bool> TryCancelAsync(long id, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE broadcasts SET status = 'cancelled', finished_utc = @Now WHERE id = @Id AND status = 'draft'";
        var parameters = new { Id = id, Now = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken };
        return await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken) == 1;
    }

    public Task SetStatusMessageAsync(long id, long messageId, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE broadcasts SET status_message_id = @MessageId WHERE id = @Id";
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, new { Id = id, MessageId = messageId, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    public async Task<IReadOnlyList<Broadcast>> ListSendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"{Columns} WHERE status = 'sending'";
        return (await connection.QueryAsync<Broadcast>(sql, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    public async Task<BroadcastCounts> CountAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"""
            SELECT
                COALESCE(SUM(CASE WHEN status = '{OutboxStore.Status.Sent}' THEN 1 ELSE 0 END), 0) AS Delivered,
                COALESCE(SUM(CASE WHEN status = '{OutboxStore.Status.Unreachable}' THEN 1 ELSE 0 END), 0) AS Blocked,
                COALESCE(SUM(CASE WHEN status = '{OutboxStore.Status.Failed}' THEN 1 ELSE 0 END), 0) AS Failed,
                COALESCE(SUM(CASE WHEN status IN ('{OutboxStore.Status.Pending}', '{OutboxStore.Status.Claimed}') THEN 1 ELSE 0 END), 0) AS Pending
            FROM outbox WHERE broadcast_id = @Id AND kind = '{OutboxStore.Kind.Broadcast}'
            """;
        return await connection.QuerySingleAsync<BroadcastCounts>(sql, new { Id = id, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // The final counts are kept with the broadcast: its outbox rows are pruned after 30 days, and
    // the prune leaves a broadcast's rows alone while it is sending, so these counts are complete.
    /// <returns>true for the one caller that moves it from sending to done.</returns>
    public async Task<bool> TryFinishAsync(long id, BroadcastCounts counts, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE broadcasts SET status = 'done', finished_utc = @Now, delivered = @Delivered, blocked = @Blocked, failed = @Failed
            WHERE id = @Id AND status = 'sending'
            """;
        var parameters = new { Id = id, Now = time.GetUtcNow().UtcDateTime, counts.Delivered, counts.Blocked, counts.Failed, CancellationToken = cancellationToken };
        return await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken) == 1;
    }
}

internal sealed class Broadcast
{
    public long Id { get; set; }
    public long AdminChatId { get; set; }
    public string Language { get; set; } = "";
    public string Status { get; set; } = "";
    public int Total { get; set; }
    public long? StatusMessageId { get; set; }
    public DateTime CreatedUtc { get; set; }

    // The group whose members it goes to; null: everyone (an owner's).
    public long? GroupId { get; set; }

    public string Text { get; set; } = "";

    // The final counts, once done (TryFinishAsync); null before.
    public int? Delivered { get; set; }
    public int? Blocked { get; set; }
    public int? Failed { get; set; }
}

internal sealed class BroadcastCounts
{
    public long Delivered { get; set; }
    public long Blocked { get; set; }
    public long Failed { get; set; }
    public long Pending { get; set; }
}

using System.Data.Common;
using Dapper;
using StudyBot.Data;

namespace StudyBot.Outbox;

internal sealed class OutboxStore(Database database, TimeProvider time)
{
    public static class Status
    {
        public const string Pending = "pending";
        public const string Claimed = "claimed";
        public const string Sent = "sent";
        public const string Failed = "failed";
        public const string Unreachable = "unreachable";
    }

    // Lower goes first: a learner's own /today before the daily prompts, broadcasts and digests.
    public static class Priority
    {
        public const int Reply = 0;
        public const int Bulk = 1;
    }

    public static class Kind
    {
        public const string Prompt = "prompt";
        public const string Broadcast = "broadcast";
        public const string Reminder = "reminder";
        public const string Digest = "digest";
        public const string OwnerNotice = "owner-notice";

        // The day's item in a group's linked chat, and a broadcast's copy posted there.
        public const string GroupPost = "group-post";
        public const string ChatNotice = "chat-notice";

        // The weekly digest in a group's linked chat.
        public const string GroupDigest = "group-digest";

        // A private notice to the organizer who linked a group's chat, about the link.
        public const string LinkNotice = "link-notice";

        // A learner told what an organizer did to them or their writing (removed them from the
        // group, featured or commented a reflection): queued with the change, so a crash between
        // the two cannot lose the notice.
        public const string LearnerNotice = "learner-notice";
    }

    // A change and the message that tells of it, in one transaction: the message is queued only if
    // the change touched a row. Returns whether it did.
    public static Task<bool> ChangeWithNoticeAsync(Database database, Func<DbConnection, DbTransaction, Task<int>> change, OutboxMessage? notice, DateTime nowUtc, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            if (await change(connection, transaction) == 0)
            {
                return false;
            }

            if (notice is not null)
            {
                await EnqueueAsync(connection, transaction, notice, nowUtc, cancellationToken);
            }

            return true;
        }, cancellationToken);

    /// <returns>The new row's id; null if a row for that delivery or post was queued before.</returns>
    public static async Task<long?> EnqueueAsync(DbConnection connection, DbTransaction transaction, OutboxMessage message, DateTime nowUtc, CancellationToken cancellationToken)
    {
        const string sql = $"""
            INSERT INTO outbox (chat_id, kind, priority, text, entities, keyboard, delivery_id, broadcast_id, group_post_id, status, created_utc)
            VALUES (@ChatId, @Kind, @Priority, @Text, @Entities, @Keyboard, @DeliveryId, @BroadcastId, @GroupPostId, '{Status.Pending}', @CreatedUtc)
            ON CONFLICT DO NOTHING
            RETURNING id
            """;
        return await connection.ExecuteScalarAsync<long?>(sql, RowOf(message, nowUtc), transaction, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // A row its caller sends at once (a learner's own /today): written claimed, so the sender loop
    // leaves it alone, and a crash before its outcome is recorded sends it again at the next start.
    public static Task<long> EnqueueClaimedAsync(DbConnection connection, DbTransaction transaction, OutboxMessage message, DateTime nowUtc, CancellationToken cancellationToken)
    {
        const string sql = $"""
            INSERT INTO outbox (chat_id, kind, priority, text, entities, keyboard, delivery_id, broadcast_id, group_post_id, status, attempts, claimed_utc, created_utc)
            VALUES (@ChatId, @Kind, @Priority, @Text, @Entities, @Keyboard, @DeliveryId, @BroadcastId, @GroupPostId, '{Status.Claimed}', 1, @CreatedUtc, @CreatedUtc)
            RETURNING id
            """;
        return connection.ExecuteScalarAsync<long>(sql, RowOf(message, nowUtc), transaction, commandTimeout: Database.CommandTimeoutSeconds);
    }

    private static OutboxRow RowOf(OutboxMessage message, DateTime nowUtc) =>
        new(message.ChatId, message.Kind, message.Priority, message.Text, message.Entities, message.Keyboard, message.DeliveryId, message.BroadcastId, message.GroupPostId, nowUtc);

    internal sealed record OutboxRow(long ChatId, string Kind, int Priority, string Text, string? Entities, string? Keyboard, long? DeliveryId, long? BroadcastId, long? GroupPostId, DateTime CreatedUtc);

    // PostgreSQL skips rows another instance has locked rather than waiting for them; SQLite has one
    // writer, so there is nothing to skip.
    private readonly string claimSql = $"""
        UPDATE outbox SET status = '{Status.Claimed}', claimed_utc = @Now, attempts = attempts + 1
        WHERE id IN (SELECT id FROM outbox WHERE status = '{Status.Pending}' ORDER BY priority, id LIMIT @Limit {database.Dialect.SkipLockedRows})
        RETURNING id AS Id, chat_id AS ChatId, kind AS Kind, priority AS Priority, text AS Text, entities AS Entities, keyboard AS Keyboard,
                  delivery_id AS DeliveryId, broadcast_id AS BroadcastId, group_post_id AS GroupPostId
        """;

    // Small batches, oldest first within a priority: a crash can only resend what was in flight.
    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(int limit, CancellationToken cancellationToken)
    {
        var parameters = new { Now = time.GetUtcNow().UtcDateTime, Limit = limit };
        var rows = await database.WriteAsync(async (connection, transaction) =>
            (await connection.QueryAsync<OutboxMessage>(claimSql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds)).AsList(),
            cancellationToken);
        return rows.OrderBy(r => r.Priority).ThenBy(r => r.Id).ToList();
    }

    // Rows a crash left claimed were maybe sent, maybe not: a missed message is worse than a repeat.
    public Task<int> ReleaseClaimedAsync(CancellationToken cancellationToken)
    {
        const string sql = $"UPDATE outbox SET status = '{Status.Pending}' WHERE status = '{Status.Claimed}'";
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, transaction: transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // One batch of rows in a final state created before the cutoff, oldest first. Nothing reads them
    // any more: a delivery keeps its own outcome, and a broadcast its final counts, written when it
    // is done; its rows stay while it is sending, since its counts are read from them. The status is
    // checked again outside the subquery: on PostgreSQL a row a learner's /today just set back to
    // pending is re-read by the delete and kept.
    public Task<int> PruneFinishedAsync(DateTime createdBeforeUtc, int limit, CancellationToken cancellationToken)
    {
        const string final = $"'{Status.Sent}', '{Status.Failed}', '{Status.Unreachable}'";
        const string sql = $"""
            DELETE FROM outbox
            WHERE status IN ({final}) AND created_utc < @Before
              AND id IN (
                SELECT o.id FROM outbox o
                WHERE o.status IN ({final}) AND o.created_utc < @Before
                  AND NOT EXISTS (SELECT 1 FROM broadcasts b WHERE b.id = o.broadcast_id AND b.status = 'sending')
                ORDER BY o.created_utc
                LIMIT @Limit)
            """;
        var parameters = new { Before = createdBeforeUtc, Limit = limit, CancellationToken = cancellationToken };
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // Outcomes of several sends in one transaction; each also settles the delivery it carried.
    public Task CompleteAsync(IReadOnlyList<OutboxResult> results, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return database.WriteAsync(async (connection, transaction) =>
        {
            foreach (var result in results)
            {
                const string outbox = """
                    UPDATE outbox SET status = @Status, sent_utc = @SentUtc, message_id = @MessageId, error = @Error
                    WHERE id = @Id
                    """;
                var sentUtc = result.Status == Status.Sent ? now : (DateTime?)null;
                await connection.ExecuteAsync(outbox, new { result.Id, result.Status, SentUtc = sentUtc, result.MessageId, result.Error, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);

                if (result.DeliveryId is { } deliveryId)
                {
                    const string delivery = $"""
                        UPDATE deliveries
                        SET sent_utc = @SentUtc, message_id = @MessageId, attempts = attempts + 1,
                            failure = CASE WHEN @Status = '{Status.Sent}' THEN NULL ELSE @Status END
                        WHERE id = @DeliveryId
                        """;
                    await connection.ExecuteAsync(delivery, new { DeliveryId = deliveryId, SentUtc = sentUtc, result.MessageId, result.Status, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
                }

                if (result.GroupPostId is { } postId)
                {
                    // A chat that became a supergroup got the post under its new id (BotMessenger follows).
                    const string post = $"""
                        UPDATE group_posts
                        SET sent_utc = @SentUtc, message_id = @MessageId, linked_chat_id = COALESCE(@MigratedToChatId, linked_chat_id),
                            failure = CASE WHEN @Status = '{Status.Sent}' THEN NULL ELSE @Status END
                        WHERE id = @PostId
                        """;
                    await connection.ExecuteAsync(post, new { PostId = postId, SentUtc = sentUtc, result.MessageId, result.MigratedToChatId, result.Status, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
                }

                if (result.Status == Status.Unreachable)
                {
                    const string block = "UPDATE learners SET status = 'blocked', next_delivery_utc = NULL, updated_utc = @Now WHERE chat_id = @ChatId";
                    await connection.ExecuteAsync(block, new { result.ChatId, Now = now, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
                }
            }
        }, cancellationToken);
    }
}

internal sealed class OutboxMessage
{
    // A private message to a learner about what an organizer did (Kind.LearnerNotice).
    public static OutboxMessage LearnerNotice(long chatId, string text) =>
        new() { ChatId = chatId, Kind = OutboxStore.Kind.LearnerNotice, Priority = OutboxStore.Priority.Reply, Text = text };

    public long Id { get; set; }
    public long ChatId { get; set; }
    public string Kind { get; set; } = "";
    public int Priority { get; set; }
    public string Text { get; set; } = "";
    public string? Entities { get; set; }
    public string? Keyboard { get; set; }
    public long? DeliveryId { get; set; }
    public long? BroadcastId { get; set; }
    public long? GroupPostId { get; set; }
}

internal sealed record OutboxResult(long Id, long ChatId, string Status, long? MessageId, string? Error, long? DeliveryId)
{
    public long? BroadcastId { get; init; }
    public long? GroupPostId { get; init; }

    // The chat became a supergroup: the message went to this id instead.
    public long? MigratedToChatId { get; init; }
}

using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using StudyBot.Content;
using StudyBot.Data;
using StudyBot.Learners;
using StudyBot.Outbox;

namespace StudyBot.Delivery;

internal sealed class DeliveryStore(Database database, TimeProvider time)
{
    private const string Columns = """
        d.id AS Id, d.chat_id AS ChatId, d.local_date AS LocalDate, d.theme AS Theme, d.quote AS Quote, d.source AS Source,
        d.prompt AS Prompt, d.sent_utc AS SentUtc, d.message_id AS MessageId, d.attempts AS Attempts, d.failure AS Failure
        """;

    // Claim before send: the unique (chat_id, local_date) makes "did I win?" the database's answer.
    // The claim and its outbox row commit together, so a claimed delivery is always on its way.
    // With sendNow the outbox row is written already claimed: the caller sends it itself (a crash
    // before the send is recorded leaves it claimed, and claimed rows are sent again at the next start).
    private static async Task<OutboxMessage?> TryClaimAsync(DbConnection connection, DbTransaction transaction, long chatId, DateOnly localDate, ContentItem item, string text, int priority, DateTime nowUtc, bool sendNow, CancellationToken cancellationToken)
    {
        // Only for a learner who still exists: a sweep batch read just before /deletedata must not
        // bring the deleted learner's rows back.
        const string sql = """
            INSERT INTO deliveries (chat_id, local_date, theme, quote, source, prompt, intention, claimed_utc, group_id)
            SELECT l.chat_id, @LocalDate, @Theme, @Quote, @Source, @Prompt, @Intention, @ClaimedUtc, l.group_id
            FROM learners l
            WHERE l.chat_id = @ChatId
            ON CONFLICT (chat_id, local_date) DO NOTHING
            RETURNING id
            """;
        var id = await connection.ExecuteScalarAsync<long?>(sql, ClaimRow(chatId, localDate, item, nowUtc), transaction, commandTimeout: Database.CommandTimeoutSeconds);

        if (id is not { } deliveryId)
        {
            return null;
        }

        var message = new OutboxMessage { ChatId = chatId, Kind = OutboxStore.Kind.Prompt, Priority = priority, Text = text, DeliveryId = deliveryId };
        if (sendNow)
        {
            message.Id = await OutboxStore.EnqueueClaimedAsync(connection, transaction, message, nowUtc, cancellationToken);
        }
        else
        {
            await OutboxStore.EnqueueAsync(connection, transaction, message, nowUtc, cancellationToken);
        }

        return message;
    }

    // A member's answer to the day's post in their group's chat belongs to their delivery of that
    // day: the one they had, else one claimed now and counted as delivered, with no outbox row
    // (the post was their prompt, so no private one follows that day). Null when the learner no
    // longer exists.
    public static async Task<long?> ClaimAnsweredAsync(DbConnection connection, DbTransaction transaction, long chatId, DateOnly localDate, ContentItem item, DateTime nowUtc, CancellationToken cancellationToken)
    {
        const string claim = """
            INSERT INTO deliveries (chat_id, local_date, theme, quote, source, prompt, intention, claimed_utc, sent_utc, group_id)
            SELECT l.chat_id, @LocalDate, @Theme, @Quote, @Source, @Prompt, @Intention, @ClaimedUtc, @ClaimedUtc, l.group_id
            FROM learners l
            WHERE l.chat_id = @ChatId
            ON CONFLICT (chat_id, local_date) DO NOTHING
            RETURNING id
            """;
        if (await connection.ExecuteScalarAsync<long?>(claim, ClaimRow(chatId, localDate, item, nowUtc), transaction, commandTimeout: Database.CommandTimeoutSeconds) is { } claimed)
        {
            return claimed;
        }

        const string existing = "SELECT id FROM deliveries WHERE chat_id = @ChatId AND local_date = @LocalDate";
        return await connection.ExecuteScalarAsync<long?>(existing, new { ChatId = chatId, LocalDate = localDate, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
    }

    /// <returns>true when this call claimed the day (the learner asked with /today).</returns>
    public async Task<bool> TryClaimNowAsync(long chatId, DateOnly localDate, ContentItem item, string text, CancellationToken cancellationToken) =>
        await TryClaimForSendingAsync(chatId, localDate, item, text, cancellationToken) is not null;

    /// <returns>The claimed outbox row to send now, or null when the day was claimed already.</returns>
    public Task<OutboxMessage?> TryClaimForSendingAsync(long chatId, DateOnly localDate, ContentItem item, string text, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return database.WriteAsync(
            (connection, transaction) => TryClaimAsync(connection, transaction, chatId, localDate, item, text, OutboxStore.Priority.Reply, now, sendNow: true, cancellationToken),
            cancellationToken);
    }

    // A delivery whose send failed for good goes back to the outbox when the learner asks again.
    public Task<bool> RetryFailedAsync(long deliveryId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            const string outbox = $"UPDATE outbox SET status = '{OutboxStore.Status.Pending}', priority = @Priority, error = NULL WHERE delivery_id = @Id AND status = '{OutboxStore.Status.Failed}'";
            var retried = await connection.ExecuteAsync(outbox, new { Id = deliveryId, Priority = OutboxStore.Priority.Reply, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            const string delivery = "UPDATE deliveries SET failure = NULL WHERE id = @Id";
            await connection.ExecuteAsync(delivery, new { Id = deliveryId, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            return retried == 1;
        }, cancellationToken);

    public async Task<DeliveryRecord?> GetForDateAsync(long chatId, DateOnly localDate, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"SELECT {Columns} FROM deliveries d WHERE d.chat_id = @ChatId AND d.local_date = @LocalDate";
        return await connection.QuerySingleOrDefaultAsync<DeliveryRecord>(sql, new { ChatId = chatId, LocalDate = localDate, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // The prompt a reflection belongs to: the one it replies to, else the latest one delivered.
    // "Delivered" includes a prompt whose send is confirmed but not yet recorded: an answer can
    // arrive within milliseconds of the prompt.
    public async Task<DeliveryRecord?> FindPromptForReplyAsync(long chatId, long? replyToMessageId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (replyToMessageId is { } replyTo)
        {
            const string byMessage = $"SELECT {Columns} FROM deliveries d WHERE d.chat_id = @ChatId AND d.message_id = @MessageId";
            var replied = await connection.QuerySingleOrDefaultAsync<DeliveryRecord>(byMessage, new { ChatId = chatId, MessageId = replyTo, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
            if (replied is not null)
            {
                return replied;
            }
        }

        const string latest = $"""
            SELECT {Columns} FROM deliveries d
            WHERE d.chat_id = @ChatId AND d.failure IS NULL
            ORDER BY d.local_date DESC
            LIMIT 1
            """;
        return await connection.QuerySingleOrDefaultAsync<DeliveryRecord>(latest, new { ChatId = chatId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    public async Task<DateOnly?> LastDeliveredDateAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT MAX(local_date) FROM deliveries WHERE chat_id = @ChatId";
        return await connection.ExecuteScalarAsync<DateOnly?>(sql, new { ChatId = chatId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // Up to `limit` due learners, earliest first, read as one query and handed out `batchSize` at a
    // time while the query goes on: the caller writes one batch while the next is read. The read
    // sees the database as it was when the query began, so a caller writes only what it was given
    // and reads again after those writes to go on.
    public async IAsyncEnumerable<List<DueLearner>> StreamDueAsync(DateTime nowUtc, int limit, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT l.chat_id AS ChatId, l.language AS Language, l.time_zone AS TimeZone, l.delivery_time AS DeliveryTime,
                   l.next_delivery_utc AS NextDeliveryUtc, l.group_id AS GroupId,
                   (SELECT MAX(d.local_date) FROM deliveries d WHERE d.chat_id = l.chat_id) AS LastDeliveredDate
            FROM learners l
            WHERE l.next_delivery_utc <= @Now AND l.status = @Active
            ORDER BY l.next_delivery_utc
            LIMIT @Limit
            """;
        var batch = new List<DueLearner>(batchSize);
        await foreach (var learner in connection.QueryUnbufferedAsync<DueLearner>(sql, new { Now = nowUtc, Active = LearnerStatus.Active, Limit = limit }, commandTimeout: Database.CommandTimeoutSeconds).WithCancellation(cancellationToken))
        {
            batch.Add(learner);
            if (batch.Count == batchSize)
            {
                yield return batch;
                batch = new List<DueLearner>(batchSize);
            }
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    // One transaction per batch: claims, their outbox rows and the learners' next times commit
    // together. Set-based: one statement per group of learners with the same prompt (and one per
    // group with the same next time), not three per learner.
    public Task<int> ApplyDuePlansAsync(IReadOnlyList<DueWork> plans, DateTime nowUtc, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            // The learners' rows first: on PostgreSQL that locks them, so a /deletedata running at the
            // same moment either waits for this batch (and then deletes what it claimed) or has
            // already removed the learner, whom the claims below then no longer find.
            // One learner at a time (one prepared statement): with a list of learners, SQLite would
            // walk the next_delivery_utc index, where all of them have the same value, instead of
            // looking each learner up. Only if nobody changed the learner meanwhile (a /time or
            // /pause wins over the sweep).
            const string reschedule = """
                UPDATE learners SET next_delivery_utc = @Next
                WHERE chat_id = @ChatId AND next_delivery_utc = @Expected AND status = @Active
                """;
            var rows = plans.Select(work => new
            {
                Next = work.Plan.NextDeliveryUtc,
                work.Learner.ChatId,
                Expected = work.Learner.NextDeliveryUtc,
                Active = LearnerStatus.Active,
            });
            await connection.ExecuteAsync(reschedule, rows, transaction, commandTimeout: Database.CommandTimeoutSeconds);

            var claimed = 0;
            var claims = plans
                .Where(work => work.Plan.DeliverFor is not null && work.Item is not null)
                .GroupBy(work => (Date: work.Plan.DeliverFor!.Value, Item: work.Item!, Text: work.Text!));
            foreach (var group in claims)
            {
                foreach (var chunk in group.Select(work => work.Learner.ChatId).Chunk(MaxIdsPerStatement))
                {
                    claimed += await ClaimAllAsync(connection, transaction, chunk, group.Key.Date, group.Key.Item, group.Key.Text, nowUtc, cancellationToken);
                }
            }

            return claimed;
        }, cancellationToken);

    private const int MaxIdsPerStatement = 500;

    // The same claim as TryClaimAsync for many learners at once: a delivery for each learner who
    // still exists and has none that day, then an outbox row for each delivery this made.
    // One parameter row for both ways of claiming a day's prompt (one learner, or a batch).
    private static ClaimParameters ClaimRow(long chatId, DateOnly localDate, ContentItem item, DateTime nowUtc) =>
        new(chatId, localDate, item.Theme, item.Quote, item.Source, item.Prompt, item.Intention ? 1 : 0, nowUtc);

    internal sealed record ClaimParameters(long ChatId, DateOnly LocalDate, string Theme, string Quote, string Source, string Prompt, int Intention, DateTime ClaimedUtc);

    private static async Task<int> ClaimAllAsync(DbConnection connection, DbTransaction transaction, long[] chatIds, DateOnly localDate, ContentItem item, string text, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var claim = $"""
            INSERT INTO deliveries (chat_id, local_date, theme, quote, source, prompt, intention, claimed_utc, group_id)
            SELECT l.chat_id, @LocalDate, @Theme, @Quote, @Source, @Prompt, @Intention, @ClaimedUtc, l.group_id
            FROM learners l
            WHERE l.chat_id IN ({IdList(chatIds)})
            ON CONFLICT (chat_id, local_date) DO NOTHING
            RETURNING id
            """;
        // No single chat here: the learners come from the id list, and Dapper binds only the names a statement uses.
        var deliveryIds = (await connection.QueryAsync<long>(claim, ClaimRow(0, localDate, item, nowUtc), transaction, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
        if (deliveryIds.Count == 0)
        {
            return 0;
        }

        var enqueue = $"""
            INSERT INTO outbox (chat_id, kind, priority, text, delivery_id, status, created_utc)
            SELECT d.chat_id, @Kind, @Priority, @Text, d.id, '{OutboxStore.Status.Pending}', @CreatedUtc
            FROM deliveries d
            WHERE d.id IN ({IdList(deliveryIds)})
            ON CONFLICT DO NOTHING
            """;
        await connection.ExecuteAsync(enqueue, new { Kind = OutboxStore.Kind.Prompt, Priority = OutboxStore.Priority.Bulk, Text = text, CreatedUtc = nowUtc }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
        return deliveryIds.Count;
    }

    // Ids from our own tables, written into the SQL as numbers: a list of hundreds of bound
    // parameters costs SQLite a lookup by name for each, and both engines read a literal list.
    private static string IdList(IEnumerable<long> ids) => string.Join(", ", ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));
}

internal sealed record DueWork(DueLearner Learner, DuePlan Plan, ContentItem? Item, string? Text);

internal sealed class DueLearner
{
    public long ChatId { get; set; }
    public string Language { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public string DeliveryTime { get; set; } = "";
    public DateTime NextDeliveryUtc { get; set; }
    public DateOnly? LastDeliveredDate { get; set; }
    public long GroupId { get; set; }
}

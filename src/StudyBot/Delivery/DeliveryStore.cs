using System.Data.Common;
using Dapper;
using StudyBot.Content;
using StudyBot.Data;
using StudyBot.Learners;
using StudyBot.Telegram;

namespace StudyBot.Delivery;

public sealed class DeliveryStore(Database database, TimeProvider time)
{
    private const string Columns = """
        d.id AS Id, d.chat_id AS ChatId, d.local_date AS LocalDate, d.theme AS Theme, d.quote AS Quote, d.source AS Source,
        d.prompt AS Prompt, d.sent_utc AS SentUtc, d.message_id AS MessageId, d.attempts AS Attempts, d.failure AS Failure
        """;

    // Claim before send: the unique (chat_id, local_date) makes "did I win?" the database's answer.
    // The claim and its outbox row commit together, so a claimed delivery is always on its way.
    // With sendNow the outbox row is written already claimed: the caller sends it itself (a crash
    // before the send is recorded leaves it claimed, and claimed rows are sent again at the next start).
    private static async Task<OutboxMessage?> TryClaimAsync(DbConnection connection, DbTransaction transaction, long chatId, DateOnly localDate, ContentItem item, string text, int priority, DateTime nowUtc, CancellationToken cancellationToken, bool sendNow = false)
    {
        // Only for a learner who still exists: a sweep batch read just before /deletedata must not
        // bring the deleted learner's rows back.
        const string sql = """
            INSERT INTO deliveries (chat_id, local_date, theme, quote, source, prompt, claimed_utc)
            SELECT @ChatId, @LocalDate, @Theme, @Quote, @Source, @Prompt, @ClaimedUtc
            WHERE EXISTS (SELECT 1 FROM learners WHERE chat_id = @ChatId)
            ON CONFLICT (chat_id, local_date) DO NOTHING
            RETURNING id
            """;
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql, new
        {
            ChatId = chatId,
            LocalDate = localDate,
            item.Theme,
            item.Quote,
            item.Source,
            item.Prompt,
            ClaimedUtc = nowUtc,
        }, transaction, cancellationToken: cancellationToken));

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

    /// <returns>true when this call claimed the day (the learner asked with /today).</returns>
    public async Task<bool> TryClaimNowAsync(long chatId, DateOnly localDate, ContentItem item, string text, CancellationToken cancellationToken) =>
        await TryClaimForSendingAsync(chatId, localDate, item, text, cancellationToken) is not null;

    /// <returns>The claimed outbox row to send now, or null when the day was claimed already.</returns>
    public Task<OutboxMessage?> TryClaimForSendingAsync(long chatId, DateOnly localDate, ContentItem item, string text, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return database.WriteAsync(
            (connection, transaction) => TryClaimAsync(connection, transaction, chatId, localDate, item, text, priority: 0, now, cancellationToken, sendNow: true),
            cancellationToken);
    }

    // A delivery whose send failed for good goes back to the outbox when the learner asks again.
    public Task<bool> RetryFailedAsync(long deliveryId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            const string outbox = "UPDATE outbox SET status = 'pending', priority = 0, error = NULL WHERE delivery_id = @Id AND status = 'failed'";
            var retried = await connection.ExecuteAsync(new CommandDefinition(outbox, new { Id = deliveryId }, transaction, cancellationToken: cancellationToken));
            const string delivery = "UPDATE deliveries SET failure = NULL WHERE id = @Id";
            await connection.ExecuteAsync(new CommandDefinition(delivery, new { Id = deliveryId }, transaction, cancellationToken: cancellationToken));
            return retried == 1;
        }, cancellationToken);

    public async Task<DeliveryRecord?> GetForDateAsync(long chatId, DateOnly localDate, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"SELECT {Columns} FROM deliveries d WHERE d.chat_id = @ChatId AND d.local_date = @LocalDate";
        return await connection.QuerySingleOrDefaultAsync<DeliveryRecord>(new CommandDefinition(sql, new { ChatId = chatId, LocalDate = localDate }, cancellationToken: cancellationToken));
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
            var replied = await connection.QuerySingleOrDefaultAsync<DeliveryRecord>(new CommandDefinition(byMessage, new { ChatId = chatId, MessageId = replyTo }, cancellationToken: cancellationToken));
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
        return await connection.QuerySingleOrDefaultAsync<DeliveryRecord>(new CommandDefinition(latest, new { ChatId = chatId }, cancellationToken: cancellationToken));
    }

    public async Task<DateOnly?> LastDeliveredDateAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT MAX(local_date) FROM deliveries WHERE chat_id = @ChatId";
        var value = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(sql, new { ChatId = chatId }, cancellationToken: cancellationToken));
        return value is null ? null : DateOnly.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<DueLearner>> ListDueAsync(DateTime nowUtc, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT l.chat_id AS ChatId, l.language AS Language, l.time_zone AS TimeZone, l.delivery_time AS DeliveryTime,
                   l.next_delivery_utc AS NextDeliveryUtc,
                   (SELECT MAX(d.local_date) FROM deliveries d WHERE d.chat_id = l.chat_id) AS LastDeliveredDate
            FROM learners l
            WHERE l.next_delivery_utc <= @Now AND l.status = @Active
            ORDER BY l.next_delivery_utc
            LIMIT @Limit
            """;
        return (await connection.QueryAsync<DueLearner>(new CommandDefinition(sql, new { Now = nowUtc, Active = LearnerStatus.Active, Limit = limit }, cancellationToken: cancellationToken))).AsList();
    }

    // One transaction per batch: claims, their outbox rows and the learners' next times commit together.
    public Task<int> ApplyDuePlansAsync(IReadOnlyList<DueWork> plans, DateTime nowUtc, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var claimed = 0;
            foreach (var work in plans)
            {
                if (work.Plan.DeliverFor is { } date && work.Item is not null
                    && await TryClaimAsync(connection, transaction, work.Learner.ChatId, date, work.Item, work.Text!, priority: 1, nowUtc, cancellationToken) is not null)
                {
                    claimed++;
                }

                // Only if nobody changed the learner meanwhile (a /time or /pause wins over the sweep).
                const string reschedule = """
                    UPDATE learners SET next_delivery_utc = @Next
                    WHERE chat_id = @ChatId AND next_delivery_utc = @Expected AND status = @Active
                    """;
                await connection.ExecuteAsync(new CommandDefinition(reschedule, new
                {
                    Next = work.Plan.NextDeliveryUtc,
                    work.Learner.ChatId,
                    Expected = work.Learner.NextDeliveryUtc,
                    Active = LearnerStatus.Active,
                }, transaction, cancellationToken: cancellationToken));
            }

            return claimed;
        }, cancellationToken);
}

public sealed record DueWork(DueLearner Learner, DuePlan Plan, ContentItem? Item, string? Text);

public sealed class DueLearner
{
    public long ChatId { get; set; }
    public string Language { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public string DeliveryTime { get; set; } = "";
    public DateTime NextDeliveryUtc { get; set; }
    public DateOnly? LastDeliveredDate { get; set; }
}

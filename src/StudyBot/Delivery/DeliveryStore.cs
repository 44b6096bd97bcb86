using System.Data.Common;
using Dapper;
using StudyBot.Content;
using StudyBot.Data;
using StudyBot.Learners;

namespace StudyBot.Delivery;

public sealed class DeliveryStore(Database database, TimeProvider time)
{
    private const string Columns = """
        d.id AS Id, d.chat_id AS ChatId, d.local_date AS LocalDate, d.theme AS Theme, d.quote AS Quote, d.source AS Source,
        d.prompt AS Prompt, d.sent_utc AS SentUtc, d.message_id AS MessageId, d.attempts AS Attempts,
        l.language AS Language, l.time_zone AS TimeZone
        """;

    public const int MaxAttempts = 5;

    // Claim before send: the unique (chat_id, local_date) makes "did I win?" the database's answer.
    public static async Task<long?> TryClaimAsync(DbConnection connection, DbTransaction? transaction, long chatId, DateOnly localDate, ContentItem item, DateTime nowUtc, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO deliveries (chat_id, local_date, theme, quote, source, prompt, claimed_utc)
            VALUES (@ChatId, @LocalDate, @Theme, @Quote, @Source, @Prompt, @ClaimedUtc)
            ON CONFLICT (chat_id, local_date) DO NOTHING
            RETURNING id
            """;
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql, new
        {
            ChatId = chatId,
            LocalDate = localDate,
            item.Theme,
            item.Quote,
            item.Source,
            item.Prompt,
            ClaimedUtc = nowUtc,
        }, transaction, cancellationToken: cancellationToken));
    }

    public async Task<long?> TryClaimAsync(long chatId, DateOnly localDate, ContentItem item, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await TryClaimAsync(connection, null, chatId, localDate, item, time.GetUtcNow().UtcDateTime, cancellationToken);
    }

    public async Task<bool> IsPendingAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT COUNT(*) FROM deliveries WHERE id = @Id AND sent_utc IS NULL AND failure IS NULL";
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, new { Id = id }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<DeliveryRecord?> GetForDateAsync(long chatId, DateOnly localDate, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"SELECT {Columns} FROM deliveries d JOIN learners l ON l.chat_id = d.chat_id WHERE d.chat_id = @ChatId AND d.local_date = @LocalDate";
        return await connection.QuerySingleOrDefaultAsync<DeliveryRecord>(new CommandDefinition(sql, new { ChatId = chatId, LocalDate = localDate }, cancellationToken: cancellationToken));
    }

    // The prompt a reflection belongs to: the one it replies to, else the latest one delivered.
    public async Task<DeliveryRecord?> FindPromptForReplyAsync(long chatId, long? replyToMessageId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (replyToMessageId is { } replyTo)
        {
            const string byMessage = $"SELECT {Columns} FROM deliveries d JOIN learners l ON l.chat_id = d.chat_id WHERE d.chat_id = @ChatId AND d.message_id = @MessageId";
            var replied = await connection.QuerySingleOrDefaultAsync<DeliveryRecord>(new CommandDefinition(byMessage, new { ChatId = chatId, MessageId = replyTo }, cancellationToken: cancellationToken));
            if (replied is not null)
            {
                return replied;
            }
        }

        const string latest = $"""
            SELECT {Columns} FROM deliveries d JOIN learners l ON l.chat_id = d.chat_id
            WHERE d.chat_id = @ChatId AND d.sent_utc IS NOT NULL
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

    // Claimed but not confirmed by Telegram: a crash, a failed attempt, or a send still running.
    public async Task<IReadOnlyList<DeliveryRecord>> ListPendingAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"""
            SELECT {Columns} FROM deliveries d JOIN learners l ON l.chat_id = d.chat_id
            WHERE d.sent_utc IS NULL AND d.failure IS NULL
            ORDER BY d.claimed_utc
            LIMIT @Limit
            """;
        return (await connection.QueryAsync<DeliveryRecord>(new CommandDefinition(sql, new { Limit = limit }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task MarkSentAsync(long id, long messageId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "UPDATE deliveries SET sent_utc = @SentUtc, message_id = @MessageId, attempts = attempts + 1 WHERE id = @Id";
        await connection.ExecuteAsync(new CommandDefinition(sql, new { Id = id, MessageId = messageId, SentUtc = time.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
    }

    /// <param name="failure">null to try again later; a reason to give up on this delivery.</param>
    public async Task MarkAttemptFailedAsync(long id, string? failure, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            UPDATE deliveries
            SET attempts = attempts + 1,
                failure = CASE WHEN @Failure IS NOT NULL THEN @Failure WHEN attempts + 1 >= @MaxAttempts THEN 'too many attempts' ELSE NULL END
            WHERE id = @Id
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new { Id = id, Failure = failure, MaxAttempts }, cancellationToken: cancellationToken));
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

    // One transaction per batch: claims and the learners' new next-delivery times commit together.
    public async Task<IReadOnlyList<long>> ApplyDuePlansAsync(IReadOnlyList<(DueLearner Learner, DuePlan Plan, ContentItem? Item)> plans, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var claimed = new List<long>();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        foreach (var (learner, plan, item) in plans)
        {
            if (plan.DeliverFor is { } date && item is not null
                && await TryClaimAsync(connection, transaction, learner.ChatId, date, item, nowUtc, cancellationToken) is { } id)
            {
                claimed.Add(id);
            }

            // Only if nobody changed the learner meanwhile (a /time or /pause wins over the sweep).
            const string reschedule = """
                UPDATE learners SET next_delivery_utc = @Next
                WHERE chat_id = @ChatId AND next_delivery_utc = @Expected AND status = @Active
                """;
            await connection.ExecuteAsync(new CommandDefinition(reschedule, new
            {
                Next = plan.NextDeliveryUtc,
                learner.ChatId,
                Expected = learner.NextDeliveryUtc,
                Active = LearnerStatus.Active,
            }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }
}

public sealed class DueLearner
{
    public long ChatId { get; set; }
    public string Language { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public string DeliveryTime { get; set; } = "";
    public DateTime NextDeliveryUtc { get; set; }
    public DateOnly? LastDeliveredDate { get; set; }
}

using Dapper;
using StudyBot.Data;
using StudyBot.Learners;
using StudyBot.Outbox;

namespace StudyBot.Digests;

internal sealed class DigestStore(Database database, TimeProvider time)
{
    public async Task<bool?> IsEnabledAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT digest_enabled FROM learners WHERE chat_id = @ChatId";
        return await connection.QuerySingleOrDefaultAsync<bool?>(sql, new { ChatId = chatId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // Turning it on plans it afresh at the next sweep.
    public Task SetEnabledAsync(long chatId, bool enabled, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE learners SET digest_enabled = @Enabled, next_digest_utc = NULL, updated_utc = @UpdatedUtc
            WHERE chat_id = @ChatId
            """;
        var parameters = new { ChatId = chatId, Enabled = enabled ? 1 : 0, UpdatedUtc = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken };
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // Subscribed learners (a paused one still had the week's first days) whose digest is due or unplanned.
    public async Task<IReadOnlyList<DigestLearner>> ListDueAsync(DateTime nowUtc, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT chat_id AS ChatId, language AS Language, time_zone AS TimeZone, next_digest_utc AS NextDigestUtc
            FROM learners
            WHERE digest_enabled = 1 AND status IN (@Active, @Paused)
              AND (next_digest_utc IS NULL OR next_digest_utc <= @Now)
            ORDER BY next_digest_utc
            LIMIT @Limit
            """;
        var parameters = new { Now = nowUtc, Active = LearnerStatus.Active, Paused = LearnerStatus.Paused, Limit = limit, CancellationToken = cancellationToken };
        return (await connection.QueryAsync<DigestLearner>(sql, parameters, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    // The week's prompts delivered to the learner, how many of them have a reflection, and the longest
    // one. "Delivered" is claimed and not failed, as for answering: a send Telegram confirmed a moment
    // ago may not be recorded yet.
    public async Task<WeekStats> WeekStatsAsync(long chatId, DateOnly weekStart, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT
                (SELECT COUNT(*) FROM deliveries d
                 WHERE d.chat_id = @ChatId AND d.local_date BETWEEN @WeekStart AND @WeekEnd AND d.failure IS NULL) AS Delivered,
                (SELECT COUNT(*) FROM deliveries d
                 WHERE d.chat_id = @ChatId AND d.local_date BETWEEN @WeekStart AND @WeekEnd AND d.failure IS NULL
                   AND EXISTS (SELECT 1 FROM reflections r WHERE r.delivery_id = d.id)) AS Answered,
                (SELECT r.text FROM reflections r JOIN deliveries d ON d.id = r.delivery_id
                 WHERE d.chat_id = @ChatId AND d.local_date BETWEEN @WeekStart AND @WeekEnd AND d.failure IS NULL
                 ORDER BY LENGTH(r.text) DESC, r.id
                 LIMIT 1) AS Longest
            """;
        var parameters = new { ChatId = chatId, WeekStart = weekStart, WeekEnd = weekStart.AddDays(6), CancellationToken = cancellationToken };
        return await connection.QuerySingleAsync<WeekStats>(sql, parameters, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // One transaction per batch: each digest row, its outbox message and the learner's next look commit
    // together. The digest row is claimed before its message; only the winner enqueues, so a week is
    // reported once.
    public Task<int> ApplyAsync(IReadOnlyList<DigestWork> batch, DateTime nowUtc, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var enqueued = 0;
            foreach (var work in batch)
            {
                // Only if nobody changed the learner meanwhile: a settings change set NULL to plan again.
                // First, so on PostgreSQL the learner's row is locked before the claim reads it: a
                // /digest off or /deletedata at the same moment either waits for this digest or wins.
                const string reschedule = """
                    UPDATE learners SET next_digest_utc = @Next
                    WHERE chat_id = @ChatId
                      AND (next_digest_utc = @Expected OR (next_digest_utc IS NULL AND @Expected IS NULL))
                    """;
                await connection.ExecuteAsync(reschedule, new
                {
                    Next = work.NextUtc,
                    work.Learner.ChatId,
                    Expected = work.Learner.NextDigestUtc,
                    CancellationToken = cancellationToken,
                }, transaction, commandTimeout: Database.CommandTimeoutSeconds);

                if (work.Report is { } report)
                {
                    // Not for a learner deleted (or switched off) since the batch was read.
                    const string claim = """
                        INSERT INTO digests (chat_id, week_start, delivered, answered, created_utc)
                        SELECT @ChatId, @WeekStart, @Delivered, @Answered, @CreatedUtc
                        WHERE EXISTS (SELECT 1 FROM learners WHERE chat_id = @ChatId AND digest_enabled = 1)
                        ON CONFLICT (chat_id, week_start) DO NOTHING
                        RETURNING id
                        """;
                    var id = await connection.ExecuteScalarAsync<long?>(claim, new
                    {
                        work.Learner.ChatId,
                        report.WeekStart,
                        report.Stats.Delivered,
                        report.Stats.Answered,
                        CreatedUtc = nowUtc,
                        CancellationToken = cancellationToken,
                    }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
                    if (id is not null)
                    {
                        var message = new OutboxMessage { ChatId = work.Learner.ChatId, Kind = OutboxStore.Kind.Digest, Priority = OutboxStore.Priority.Bulk, Text = report.Text };
                        await OutboxStore.EnqueueAsync(connection, transaction, message, nowUtc, cancellationToken);
                        enqueued++;
                    }
                }
            }

            return enqueued;
        }, cancellationToken);
}

internal sealed class DigestLearner
{
    public long ChatId { get; set; }
    public string Language { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public DateTime? NextDigestUtc { get; set; }
}

internal sealed class WeekStats
{
    public long Delivered { get; set; }
    public long Answered { get; set; }
    public string? Longest { get; set; }
}

internal sealed record DigestReport(DateOnly WeekStart, WeekStats Stats, string Text);

internal sealed record DigestWork(DigestLearner Learner, DateTime NextUtc, DigestReport? Report);

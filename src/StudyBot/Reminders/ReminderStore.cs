using Dapper;
using StudyBot.Data;
using StudyBot.Learners;
using StudyBot.Outbox;

namespace StudyBot.Reminders;

internal sealed class ReminderStore(Database database)
{
    public static class Source
    {
        public const string Command = "command";
        public const string Scheduled = "scheduled";
    }

    // Sent prompts of active learners with no reflection, on the local dates around `nowUtc` (every
    // learner's today is one of them); the caller picks each learner's today. Paused, stopped and
    // blocked learners asked for quiet (or cannot be reached): they are left out. groupId: the
    // members of that group only; null: everyone. Each comes with their group's reminder time.
    // alreadyReminded: whether those reminded that day are in too (with RemindedUtc), as the
    // dashboard lists them; the reminders themselves never want them.
    public async Task<IReadOnlyList<ReminderCandidate>> ListUnansweredAsync(DateTime nowUtc, long? groupId, bool alreadyReminded, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT d.id AS DeliveryId, d.chat_id AS ChatId, d.local_date AS LocalDate, d.prompt AS Prompt, d.sent_utc AS SentUtc,
                   l.language AS Language, l.time_zone AS TimeZone, l.display_name AS DisplayName, g.reminder_time AS GroupReminderTime,
                   m.created_utc AS RemindedUtc
            FROM deliveries d
            JOIN learners l ON l.chat_id = d.chat_id
            JOIN study_groups g ON g.id = l.group_id
            LEFT JOIN reminders m ON m.chat_id = d.chat_id AND m.local_date = d.local_date
            WHERE d.local_date BETWEEN @From AND @To AND d.sent_utc IS NOT NULL AND l.status = @Active
              AND (@GroupId IS NULL OR l.group_id = @GroupId)
              AND NOT EXISTS (SELECT 1 FROM reflections r WHERE r.delivery_id = d.id)
              AND (@AlreadyReminded = 1 OR m.chat_id IS NULL)
            """;
        var today = DateOnly.FromDateTime(nowUtc);
        var parameters = new { From = today.AddDays(-1), To = today.AddDays(1), Active = LearnerStatus.Active, GroupId = groupId, AlreadyReminded = alreadyReminded ? 1 : 0, CancellationToken = cancellationToken };
        return (await connection.QueryAsync<ReminderCandidate>(sql, parameters, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    // Claim before send, as deliveries do: the primary key (chat_id, local_date) makes "was this learner
    // already reminded today?" the database's answer, for /remind and the scheduled reminder alike.
    // The claim and its outbox row commit together. A reflection that arrived since the list was read,
    // or is being saved at this moment, wins over the claim, and so does a /deletedata. Returns how
    // many were claimed.
    public Task<int> TryRemindAsync(IReadOnlyList<(ReminderCandidate Candidate, string Text)> reminders, string source, DateTime nowUtc, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var claimed = 0;
            foreach (var (candidate, text) in reminders)
            {
                const string claim = """
                    INSERT INTO reminders (chat_id, local_date, delivery_id, source, created_utc)
                    SELECT @ChatId, @LocalDate, @DeliveryId, @Source, @CreatedUtc
                    WHERE NOT EXISTS (SELECT 1 FROM reflections r WHERE r.delivery_id = @DeliveryId)
                    ON CONFLICT (chat_id, local_date) DO NOTHING
                    """;
                var parameters = new { candidate.ChatId, candidate.LocalDate, candidate.DeliveryId, Source = source, CreatedUtc = nowUtc };
                var locked = await connection.ExecuteScalarAsync<long?>(database.Dialect.LockDeliveryForReminder, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
                if (locked is null || await connection.ExecuteAsync(claim, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds) == 0)
                {
                    continue;
                }

                // No delivery_id on the outbox row: that column settles a prompt's delivery when sent.
                var message = new OutboxMessage { ChatId = candidate.ChatId, Kind = OutboxStore.Kind.Reminder, Priority = OutboxStore.Priority.Bulk, Text = text };
                await OutboxStore.EnqueueAsync(connection, transaction, message, nowUtc, cancellationToken);
                claimed++;
            }

            return claimed;
        }, cancellationToken);
}

internal sealed class ReminderCandidate
{
    public long DeliveryId { get; set; }
    public long ChatId { get; set; }
    public DateOnly LocalDate { get; set; }
    public string Prompt { get; set; } = "";
    public DateTime SentUtc { get; set; }
    public string Language { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public DateTime? RemindedUtc { get; set; }

    // HH:MM of the automatic reminder in the learner's group; null: none.
    public string? GroupReminderTime { get; set; }
}

using System.Data.Common;
using Dapper;
using StudyBot.Data;

namespace StudyBot.Reflections;

internal sealed class ReflectionStore(Database database, TimeProvider time)
{
    // A reflection with the date and the item of the prompt it answers.
    private const string EntrySelect = """
        SELECT r.id AS Id, r.text AS Text, r.created_utc AS CreatedUtc, d.local_date AS LocalDate,
               d.theme AS Theme, d.quote AS Quote, d.source AS Source, d.prompt AS Prompt, d.intention AS Intention,
               r.made_up AS MadeUp, r.kind AS Kind, r.file_id AS FileId, r.duration_seconds AS DurationSeconds,
               r.shared_utc AS SharedUtc, r.edited_utc AS EditedUtc
        FROM reflections r
        JOIN deliveries d ON d.id = r.delivery_id
        """;

    // One row per Telegram message: a redelivered message keeps the row; an edit replaces its text
    // (and, the chat message and the saved text being alike again, ends the "edited" mark of a web edit).
    // credit: what the answer counts for (AnswerCredit); an edit keeps what the first save said. A
    // new reflection earns its day's points in the same transaction where its group has points on,
    // and ends a make-up the learner picked for that day.
    public Task<SavedReflection> SaveAsync(long chatId, long messageId, long deliveryId, ReflectionContent content, bool isEdit, AnswerCredit credit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return database.WriteAsync(
            (connection, transaction) => SaveAsync(connection, transaction, new ReflectionMessage(chatId, PrivateChat, messageId), deliveryId, content, isEdit, credit, now, cancellationToken),
            cancellationToken);
    }

    // source_chat_id of a reflection written in the learner's private chat with the bot.
    public const long PrivateChat = 0;

    // The same save inside the caller's transaction (a reply in a group chat claims its day first).
    public static async Task<SavedReflection> SaveAsync(DbConnection connection, DbTransaction transaction, ReflectionMessage message, long deliveryId, ReflectionContent content, bool isEdit, AnswerCredit credit, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            message.ChatId,
            message.SourceChatId,
            message.MessageId,
            DeliveryId = deliveryId,
            content.Text,
            Kind = (int)content.Kind,
            content.FileId,
            content.DurationSeconds,
            Now = nowUtc,
            MadeUp = (int)credit.Timing,
            DayReason = Points.Day,
            DayPoints = credit.Timing == AnswerTiming.MadeUp ? Points.MadeUpDay : Points.OnTheDay,
            CancellationToken = cancellationToken,
        };
        if (isEdit)
        {
            const string update = """
                UPDATE reflections SET text = @Text, kind = @Kind, file_id = @FileId, duration_seconds = @DurationSeconds, updated_utc = @Now, edited_utc = NULL
                WHERE chat_id = @ChatId AND source_chat_id = @SourceChatId AND message_id = @MessageId
                """;
            if (await connection.ExecuteAsync(update, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds) == 1)
            {
                return new SavedReflection(SaveResult.Updated, null);
            }
        }

        const string insert = """
            INSERT INTO reflections (chat_id, source_chat_id, message_id, delivery_id, text, kind, file_id, duration_seconds, created_utc, updated_utc, group_id, made_up)
            SELECT @ChatId, @SourceChatId, @MessageId, @DeliveryId, @Text, @Kind, @FileId, @DurationSeconds, @Now, @Now, d.group_id, @MadeUp FROM deliveries d WHERE d.id = @DeliveryId
            ON CONFLICT (chat_id, source_chat_id, message_id) DO NOTHING
            RETURNING id
            """;
        if (await connection.ExecuteScalarAsync<long?>(insert, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds) is not { } id)
        {
            return new SavedReflection(SaveResult.AlreadySaved, null);
        }

        const string dayPoints = """
            INSERT INTO points (chat_id, group_id, local_date, reason, points, created_utc)
            SELECT @ChatId, d.group_id, d.local_date, @DayReason, @DayPoints, @Now
            FROM deliveries d JOIN study_groups g ON g.id = d.group_id
            WHERE d.id = @DeliveryId AND g.points = 1
            ON CONFLICT (chat_id, local_date, reason) DO NOTHING
            """;
        // Only what the answer can change: most saves are on the day, in groups without points.
        if (credit.GroupHasPoints && credit.Timing != AnswerTiming.Late)
        {
            await connection.ExecuteAsync(dayPoints, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
        }

        if (credit.EndsMakeup)
        {
            const string makeupDone = """
                UPDATE learners SET makeup_date = NULL
                WHERE chat_id = @ChatId AND makeup_date = (SELECT local_date FROM deliveries WHERE id = @DeliveryId)
                """;
            await connection.ExecuteAsync(makeupDone, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
        }

        return new SavedReflection(SaveResult.Created, id);
    }

    // Only the author's own reflection. Returns false for anyone else's, or one that is gone.
    public async Task<bool> SetSharedAsync(long reflectionId, long authorChatId, bool shared, CancellationToken cancellationToken)
    {
        const string share = "UPDATE reflections SET shared_utc = COALESCE(shared_utc, @Now) WHERE id = @Id AND chat_id = @ChatId";
        const string hide = "UPDATE reflections SET shared_utc = NULL WHERE id = @Id AND chat_id = @ChatId";
        var parameters = new { Id = reflectionId, ChatId = authorChatId, Now = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken };
        return await database.WriteAsync(
            (connection, transaction) => shared
                ? connection.ExecuteAsync(share, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds)
                : connection.ExecuteAsync(hide, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds),
            cancellationToken) == 1;
    }

    // The web app's edit of the saved text; the chat message is left as it was. Only the author's
    // own reflection: false for anyone else's, or one that is gone.
    public async Task<bool> EditTextAsync(long reflectionId, long authorChatId, string text, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE reflections SET text = @Text, edited_utc = @Now, updated_utc = @Now WHERE id = @Id AND chat_id = @ChatId";
        var parameters = new { Id = reflectionId, ChatId = authorChatId, Text = text, Now = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken };
        return await database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds),
            cancellationToken) == 1;
    }

    public async Task<int> CountAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT COUNT(*) FROM reflections WHERE chat_id = @ChatId";
        return await connection.ExecuteScalarAsync<int>(sql, new { ChatId = chatId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    public async Task<IReadOnlyList<ReflectionEntry>> PageAsync(long chatId, int skip, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"""
            {EntrySelect}
            WHERE r.chat_id = @ChatId
            ORDER BY r.created_utc DESC, r.id DESC
            LIMIT @Take OFFSET @Skip
            """;
        return (await connection.QueryAsync<ReflectionEntry>(sql, new { ChatId = chatId, Skip = skip, Take = take, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    // Everything the learner wrote, for their study summary; the document orders and groups it.
    public async Task<IReadOnlyList<ReflectionEntry>> ListAllAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"""
            {EntrySelect}
            WHERE r.chat_id = @ChatId
            ORDER BY d.local_date, r.created_utc, r.id
            """;
        return (await connection.QueryAsync<ReflectionEntry>(sql, new { ChatId = chatId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    // The local dates of the learner's deliveries that have at least one reflection (one row a day).
    // A scalar subquery per delivery rather than a join (or EXISTS, which PostgreSQL turns into one):
    // its plan is an index lookup whatever the planner's statistics say. A PostgreSQL database that
    // is new or just restored has none until autovacuum analyzes it, and the join then scanned every
    // reflection, about 2 ms for each reply.
    public async Task<IReadOnlyList<DateOnly>> AnsweredDatesAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT d.local_date AS LocalDate
            FROM deliveries d
            WHERE d.chat_id = @ChatId
              AND (SELECT 1 FROM reflections r WHERE r.delivery_id = d.id LIMIT 1) IS NOT NULL
            ORDER BY d.local_date DESC
            """;
        return (await connection.QueryAsync<AnsweredDay>(sql, new { ChatId = chatId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds)).Select(day => day.LocalDate).ToList();
    }
}

// What a new answer counts for: its timing (stored as made_up), whether its group counts points
// (the points row checks the group again), and whether it answers the make-up day the learner
// picked, which it then ends.
internal sealed record AnswerCredit(AnswerTiming Timing, bool GroupHasPoints, bool EndsMakeup);

// Stored as reflections.made_up: 0, 1, 2.
internal enum AnswerTiming
{
    OnTheDay,

    // After the day, within the group's make-up window: marked made up, 1 point.
    MadeUp,

    // Later than that: kept, but it counts neither as the day's answer nor for points.
    Late,
}

// Id: the new reflection's, when this save created it.
internal sealed record SavedReflection(SaveResult Result, long? Id);
// A Telegram message by its learner (their private chat id), the chat it was written in
// (PrivateChat, or a group chat's id) and its message id in that chat.
internal sealed record ReflectionMessage(long ChatId, long SourceChatId, long MessageId);

internal enum SaveResult
{
    Created,
    Updated,
    AlreadySaved,
}

internal sealed class ReflectionEntry : IReflectionBody
{
    public long Id { get; set; }
    public string Text { get; set; } = "";
    public DateTime CreatedUtc { get; set; }
    public DateOnly LocalDate { get; set; }
    public string Theme { get; set; } = "";
    public string Quote { get; set; } = "";
    public string Source { get; set; } = "";
    public string Prompt { get; set; } = "";
    public bool Intention { get; set; }

    // reflections.made_up: 0 on the day, 1 made up, 2 later (AnswerTiming).
    public int MadeUp { get; set; }

    // ReflectionKind; a photo's or voice answer's Telegram file id and a voice answer's seconds.
    public int Kind { get; set; }
    public string? FileId { get; set; }
    public int? DurationSeconds { get; set; }

    public DateTime? SharedUtc { get; set; }

    // Set when the saved text was changed in the web app (the chat message was not).
    public DateTime? EditedUtc { get; set; }
}

// A row rather than a bare DateOnly: the generated reader applies the days' type handler to members.
internal sealed class AnsweredDay
{
    public DateOnly LocalDate { get; set; }
}

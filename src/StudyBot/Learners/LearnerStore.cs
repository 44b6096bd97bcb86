using Dapper;
using StudyBot.Data;

namespace StudyBot.Learners;

internal sealed class LearnerStore(Database database, TimeProvider time)
{
    private const string Columns = """
        chat_id AS ChatId, display_name AS DisplayName, language AS Language, time_zone AS TimeZone,
        delivery_time AS DeliveryTime, status AS Status, next_delivery_utc AS NextDeliveryUtc, subscribed_utc AS SubscribedUtc,
        group_id AS GroupId, joined_utc AS JoinedUtc, makeup_date AS MakeupDate, username AS Username
        """;

    public async Task<Learner?> GetAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"SELECT {Columns} FROM learners WHERE chat_id = @ChatId";
        return await connection.QuerySingleOrDefaultAsync<Learner>(sql, new { ChatId = chatId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    /// <returns>true when this call created the learner (the unique chat_id decides, not a prior read).</returns>
    public async Task<bool> TryCreateAsync(Learner learner, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO learners (chat_id, display_name, username, language, time_zone, delivery_time, status, next_delivery_utc, subscribed_utc, updated_utc, group_id, joined_utc)
            VALUES (@ChatId, @DisplayName, @Username, @Language, @TimeZone, @DeliveryTime, @Status, @NextDeliveryUtc, @SubscribedUtc, @UpdatedUtc, @GroupId, @SubscribedUtc)
            ON CONFLICT (chat_id) DO NOTHING
            """;
        var now = time.GetUtcNow().UtcDateTime;
        var inserted = await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, new
        {
            learner.ChatId,
            learner.DisplayName,
            learner.Username,
            learner.Language,
            learner.TimeZone,
            learner.DeliveryTime,
            learner.Status,
            learner.NextDeliveryUtc,
            SubscribedUtc = now,
            UpdatedUtc = now,
            learner.GroupId,
            CancellationToken = cancellationToken,
        }, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
        return inserted == 1;
    }

    // The name and @username the organizers see, as the learner's Telegram profile has them now.
    public Task UpdateNameAsync(long chatId, string displayName, string? username, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE learners SET display_name = @DisplayName, username = @Username, updated_utc = @Now WHERE chat_id = @ChatId";
        var parameters = new { ChatId = chatId, DisplayName = displayName, Username = username, Now = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken };
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // next_digest_utc = NULL: the digest sweep plans the weekly digest again, since a new time zone
    // moves the learner's Sunday evening (the digests table keeps it from going out twice).
    public async Task SaveSettingsAsync(Learner learner, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE learners
            SET language = @Language, time_zone = @TimeZone, delivery_time = @DeliveryTime, status = @Status,
                next_delivery_utc = @NextDeliveryUtc, next_digest_utc = NULL, updated_utc = @UpdatedUtc
            WHERE chat_id = @ChatId
            """;
        var parameters = new
        {
            learner.ChatId,
            learner.Language,
            learner.TimeZone,
            learner.DeliveryTime,
            learner.Status,
            learner.NextDeliveryUtc,
            UpdatedUtc = time.GetUtcNow().UtcDateTime,
            CancellationToken = cancellationToken,
        };
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // Into another group; what the learner wrote and received stays with the group it was made in.
    // An active learner is due at once, so the sweep plans them again on the new group's calendar.
    public async Task MoveToGroupAsync(long chatId, long groupId, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE learners
            SET group_id = @GroupId, joined_utc = @Now, updated_utc = @Now,
                next_delivery_utc = CASE WHEN status = @Active THEN @Now ELSE next_delivery_utc END, makeup_date = NULL
            WHERE chat_id = @ChatId
            """;
        var parameters = new { ChatId = chatId, GroupId = groupId, Now = time.GetUtcNow().UtcDateTime, Active = LearnerStatus.Active, CancellationToken = cancellationToken };
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // Set by /missed's button; the answer that uses it clears it (ReflectionStore.SaveAsync).
    public async Task SetMakeupDateAsync(long chatId, DateOnly date, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE learners SET makeup_date = @Date WHERE chat_id = @ChatId";
        var parameters = new { ChatId = chatId, Date = date, CancellationToken = cancellationToken };
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    public async Task MarkBlockedAsync(long chatId, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE learners SET status = @Status, next_delivery_utc = NULL, updated_utc = @UpdatedUtc
            WHERE chat_id = @ChatId
            """;
        var parameters = new { ChatId = chatId, Status = LearnerStatus.Blocked, UpdatedUtc = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken };
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // Every row about the learner, from every table with a chat_id column, in one write. The tables
    // are read from the schema inside the same transaction, so a table a later migration adds is
    // covered without editing this.
    // The learner first: on PostgreSQL that row lock makes a concurrent sweep wait, and each later
    // statement then sees what it committed. Then children before parents: reflections point at
    // deliveries. Returns the number of rows deleted.
    public Task<int> DeleteEverythingAsync(long chatId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var tables = await connection.QueryAsync<string>(database.Dialect.TablesWithChatId, transaction: transaction, commandTimeout: Database.CommandTimeoutSeconds);
            var deleted = 0;
            foreach (var table in tables.OrderBy(t => t switch { "learners" => 0, "deliveries" => 2, _ => 1 }).ThenBy(t => t, StringComparer.Ordinal))
            {
                // The name comes from the schema, not from a user; quoted as an identifier all the same.
                var delete = $"DELETE FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WHERE chat_id = @ChatId";
                deleted += await connection.ExecuteAsync(delete, new { ChatId = chatId }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            }

            return deleted;
        }, cancellationToken);
}

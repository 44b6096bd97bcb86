using Dapper;
using StudyBot.Data;
using StudyBot.Outbox;
using StudyBot.Reflections;

namespace StudyBot.Wall;

// What the day's wall post in a linked chat says, and its claim.
internal sealed class WallPostStore(Database database, TimeProvider time)
{
    // Linked groups with their wall on: few enough (one row a group) to look at on every sweep.
    public async Task<IReadOnlyList<WallGroup>> LinkedWallsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT id AS GroupId, linked_chat_id AS ChatId, time_zone AS TimeZone, wall_time AS WallTime, language AS Language, name AS Name
            FROM study_groups WHERE linked_chat_id IS NOT NULL AND wall = 1
            """;
        return (await connection.QueryAsync<WallGroup>(sql, new { CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    public async Task<bool> PostedAsync(long groupId, DateOnly day, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT COUNT(*) FROM group_walls WHERE group_id = @GroupId AND local_date = @Day";
        return await connection.ExecuteScalarAsync<long>(sql, new { GroupId = groupId, Day = day, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds) > 0;
    }

    // The day's figures: members who got the day's prompt, those who answered it on the day (names,
    // in the order they answered), and the featured reflections of the day with their authors.
    public async Task<WallDay> DayAsync(long groupId, DateOnly day, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var parameters = new { GroupId = groupId, Day = day, CancellationToken = cancellationToken };
        const string received = "SELECT COUNT(*) FROM deliveries WHERE group_id = @GroupId AND local_date = @Day AND sent_utc IS NOT NULL";
        const string answered = """
            SELECT COALESCE(l.display_name, '') FROM deliveries d
            JOIN learners l ON l.chat_id = d.chat_id
            WHERE d.group_id = @GroupId AND d.local_date = @Day
              AND EXISTS (SELECT 1 FROM reflections r WHERE r.delivery_id = d.id AND r.made_up = 0)
            ORDER BY (SELECT MIN(r.created_utc) FROM reflections r WHERE r.delivery_id = d.id)
            """;
        const string featured = """
            SELECT COALESCE(l.display_name, '') AS AuthorName, r.text AS Text, r.kind AS Kind, r.duration_seconds AS DurationSeconds FROM reflections r
            JOIN deliveries d ON d.id = r.delivery_id
            LEFT JOIN learners l ON l.chat_id = r.chat_id
            WHERE r.group_id = @GroupId AND d.local_date = @Day AND r.featured_utc IS NOT NULL AND r.shared_utc IS NOT NULL
            ORDER BY r.featured_utc
            """;
        return new WallDay(
            await connection.ExecuteScalarAsync<long>(received, parameters, commandTimeout: Database.CommandTimeoutSeconds),
            (await connection.QueryAsync<string>(answered, parameters, commandTimeout: Database.CommandTimeoutSeconds)).AsList(),
            (await connection.QueryAsync<FeaturedReflection>(featured, parameters, commandTimeout: Database.CommandTimeoutSeconds)).AsList());
    }

    /// <returns>true when this call claimed the day's wall (and queued its post).</returns>
    public Task<bool> TryClaimAsync(WallGroup group, DateOnly day, string text, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return database.WriteAsync(async (connection, transaction) =>
        {
            const string claim = """
                INSERT INTO group_walls (group_id, local_date, claimed_utc) VALUES (@GroupId, @Day, @Now)
                ON CONFLICT (group_id, local_date) DO NOTHING
                """;
            if (await connection.ExecuteAsync(claim, new { group.GroupId, Day = day, Now = now, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds) == 0)
            {
                return false;
            }

            var message = new OutboxMessage { ChatId = group.ChatId, Kind = OutboxStore.Kind.GroupPost, Priority = OutboxStore.Priority.Bulk, Text = text };
            await OutboxStore.EnqueueAsync(connection, transaction, message, now, cancellationToken);
            return true;
        }, cancellationToken);
    }
}

internal sealed class WallGroup
{
    public long GroupId { get; set; }
    public long ChatId { get; set; }
    public string TimeZone { get; set; } = "";
    public string WallTime { get; set; } = "";
    public string Language { get; set; } = "";
    public string Name { get; set; } = "";
}

internal sealed class FeaturedReflection : IReflectionBody
{
    public int Kind { get; set; }
    public int? DurationSeconds { get; set; }
    public string AuthorName { get; set; } = "";
    public string Text { get; set; } = "";
}

internal sealed record WallDay(long Received, IReadOnlyList<string> Answered, IReadOnlyList<FeaturedReflection> Featured);

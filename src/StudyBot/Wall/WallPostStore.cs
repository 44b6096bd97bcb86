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
    // in the order they answered), and the featured reflections of the day with their authors,
    // those featured up to featuredBy (a posted wall's claim: what it showed).
    public async Task<WallDay> DayAsync(long groupId, DateOnly day, DateTime featuredBy, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var parameters = new { GroupId = groupId, Day = day, FeaturedBy = featuredBy, CancellationToken = cancellationToken };
        const string received = "SELECT COUNT(*) FROM deliveries WHERE group_id = @GroupId AND local_date = @Day AND sent_utc IS NOT NULL";
        const string answered = """
            SELECT COALESCE(l.display_name, '') FROM deliveries d
            JOIN learners l ON l.chat_id = d.chat_id
            WHERE d.group_id = @GroupId AND d.local_date = @Day
              AND EXISTS (SELECT 1 FROM reflections r WHERE r.delivery_id = d.id AND r.made_up = 0)
            ORDER BY (SELECT MIN(r.created_utc) FROM reflections r WHERE r.delivery_id = d.id)
            """;
        const string featured = """
            SELECT r.id AS Id, r.featured_utc AS FeaturedUtc, COALESCE(l.display_name, '') AS AuthorName, r.text AS Text, r.kind AS Kind, r.duration_seconds AS DurationSeconds FROM reflections r
            JOIN deliveries d ON d.id = r.delivery_id
            LEFT JOIN learners l ON l.chat_id = r.chat_id
            WHERE r.group_id = @GroupId AND d.local_date = @Day AND r.featured_utc <= @FeaturedBy AND r.shared_utc IS NOT NULL
            ORDER BY r.featured_utc, r.id
            """;
        return new WallDay(
            await connection.ExecuteScalarAsync<long>(received, parameters, commandTimeout: Database.CommandTimeoutSeconds),
            (await connection.QueryAsync<string>(answered, parameters, commandTimeout: Database.CommandTimeoutSeconds)).AsList(),
            (await connection.QueryAsync<FeaturedReflection>(featured, parameters, commandTimeout: Database.CommandTimeoutSeconds)).AsList());
    }

    /// <returns>true when this call claimed the day's wall (and queued its post).</returns>
    public Task<bool> TryClaimAsync(WallGroup group, DateOnly day, WallPost post, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return database.WriteAsync(async (connection, transaction) =>
        {
            const string claim = """
                INSERT INTO group_walls (group_id, local_date, claimed_utc, rest_featured_utc, rest_reflection_id)
                VALUES (@GroupId, @Day, @Now, @RestFeaturedUtc, @RestReflectionId)
                ON CONFLICT (group_id, local_date) DO NOTHING
                """;
            var parameters = new
            {
                group.GroupId,
                Day = day,
                Now = now,
                RestFeaturedUtc = post.RestFrom?.FeaturedUtc,
                RestReflectionId = post.RestFrom?.Id,
                CancellationToken = cancellationToken,
            };
            if (await connection.ExecuteAsync(claim, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds) == 0)
            {
                return false;
            }

            var message = new OutboxMessage { ChatId = group.ChatId, Kind = OutboxStore.Kind.GroupPost, Priority = OutboxStore.Priority.Bulk, Text = post.Text, Keyboard = post.Keyboard };
            var outboxId = await OutboxStore.EnqueueAsync(connection, transaction, message, now, cancellationToken);
            const string remember = "UPDATE group_walls SET post_outbox_id = @OutboxId WHERE group_id = @GroupId AND local_date = @Day";
            await connection.ExecuteAsync(remember, new { group.GroupId, Day = day, OutboxId = outboxId, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            return true;
        }, cancellationToken);
    }

    // The posted wall (of its linked chat, sent, not past its rest) that shows this featured
    // reflection; null when none does.
    public async Task<PostedWall?> PostedWallShowingAsync(long reflectionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT w.group_id AS GroupId, w.local_date AS LocalDate, w.claimed_utc AS ClaimedUtc, o.chat_id AS ChatId, o.message_id AS MessageId,
                   g.time_zone AS TimeZone, g.wall_time AS WallTime, g.language AS Language, g.name AS Name
            FROM reflections r
            JOIN deliveries d ON d.id = r.delivery_id
            JOIN group_walls w ON w.group_id = r.group_id AND w.local_date = d.local_date
            JOIN outbox o ON o.id = w.post_outbox_id
            JOIN study_groups g ON g.id = w.group_id AND g.linked_chat_id = o.chat_id
            WHERE r.id = @Id AND r.featured_utc <= w.claimed_utc AND o.message_id IS NOT NULL
              AND (w.rest_reflection_id IS NULL OR r.featured_utc < w.rest_featured_utc OR (r.featured_utc = w.rest_featured_utc AND r.id < w.rest_reflection_id))
            """;
        return await connection.QuerySingleOrDefaultAsync<PostedWall>(sql, new { Id = reflectionId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // The posted wall, recomposed, now leaves its rest from another reflection (or has none).
    public Task MoveRestAsync(long groupId, DateOnly day, FeaturedReflection? restFrom, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE group_walls SET rest_featured_utc = @RestFeaturedUtc, rest_reflection_id = @RestReflectionId WHERE group_id = @GroupId AND local_date = @Day AND rest_posted_utc IS NULL";
        var parameters = new { GroupId = groupId, Day = day, RestFeaturedUtc = restFrom?.FeaturedUtc, RestReflectionId = restFrom?.Id, CancellationToken = cancellationToken };
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // The first press of a wall's button in the chat the group is linked to now claims its rest and
    // queues it, in one transaction (a crash cannot lose it once claimed). The rest is read again
    // from the reflections: those featured before the wall was posted and not shown in it, minus any
    // whose author has since unshared it. Returns the messages queued; null for any later press,
    // another chat, or a wall with no rest.
    public Task<int?> TryPostRestAsync(long groupId, DateOnly day, long chatId, Func<WallRestGroup, IReadOnlyList<FeaturedReflection>, IReadOnlyList<string>> compose, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return database.WriteAsync(async (connection, transaction) =>
        {
            var parameters = new { GroupId = groupId, Day = day, ChatId = chatId, Now = now, CancellationToken = cancellationToken };
            const string claim = """
                UPDATE group_walls SET rest_posted_utc = @Now
                WHERE group_id = @GroupId AND local_date = @Day AND rest_reflection_id IS NOT NULL AND rest_posted_utc IS NULL
                  AND EXISTS (SELECT 1 FROM study_groups g WHERE g.id = @GroupId AND g.linked_chat_id = @ChatId)
                """;
            if (await connection.ExecuteAsync(claim, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds) == 0)
            {
                return (int?)null;
            }

            const string group = "SELECT name AS Name, language AS Language FROM study_groups WHERE id = @GroupId";
            const string rest = """
                SELECT r.id AS Id, r.featured_utc AS FeaturedUtc, COALESCE(l.display_name, '') AS AuthorName, r.text AS Text,
                       r.kind AS Kind, r.duration_seconds AS DurationSeconds
                FROM group_walls w
                JOIN reflections r ON r.group_id = w.group_id
                JOIN deliveries d ON d.id = r.delivery_id AND d.local_date = w.local_date
                LEFT JOIN learners l ON l.chat_id = r.chat_id
                WHERE w.group_id = @GroupId AND w.local_date = @Day
                  AND r.shared_utc IS NOT NULL AND r.featured_utc IS NOT NULL AND r.featured_utc <= w.claimed_utc
                  AND (r.featured_utc > w.rest_featured_utc OR (r.featured_utc = w.rest_featured_utc AND r.id >= w.rest_reflection_id))
                ORDER BY r.featured_utc, r.id
                """;
            var wall = await connection.QuerySingleAsync<WallRestGroup>(group, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            var reflections = (await connection.QueryAsync<FeaturedReflection>(rest, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
            var texts = reflections.Count == 0 ? [] : compose(wall, reflections);
            foreach (var text in texts)
            {
                var message = new OutboxMessage { ChatId = chatId, Kind = OutboxStore.Kind.GroupPost, Priority = OutboxStore.Priority.Bulk, Text = text };
                await OutboxStore.EnqueueAsync(connection, transaction, message, now, cancellationToken);
            }

            return texts.Count;
        }, cancellationToken);
    }
}

internal sealed class PostedWall
{
    public long GroupId { get; set; }
    public DateOnly LocalDate { get; set; }
    public DateTime ClaimedUtc { get; set; }
    public long ChatId { get; set; }
    public long MessageId { get; set; }
    public string TimeZone { get; set; } = "";
    public string WallTime { get; set; } = "";
    public string Language { get; set; } = "";
    public string Name { get; set; } = "";

    public WallGroup Group => new() { GroupId = GroupId, ChatId = ChatId, TimeZone = TimeZone, WallTime = WallTime, Language = Language, Name = Name };
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
    public long Id { get; set; }
    public DateTime FeaturedUtc { get; set; }
    public int Kind { get; set; }
    public int? DurationSeconds { get; set; }
    public string AuthorName { get; set; } = "";
    public string Text { get; set; } = "";
}

internal sealed class WallRestGroup
{
    public string Name { get; set; } = "";
    public string Language { get; set; } = "";
}

internal sealed record WallDay(long Received, IReadOnlyList<string> Answered, IReadOnlyList<FeaturedReflection> Featured);

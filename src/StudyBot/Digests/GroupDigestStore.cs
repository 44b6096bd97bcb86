using Dapper;
using StudyBot.Data;
using StudyBot.Outbox;

namespace StudyBot.Digests;

// What a linked chat's weekly digest says, and its claim.
internal sealed class GroupDigestStore(Database database, TimeProvider time)
{
    // Every linked group (one row a group, few enough to read on every sweep) with the Monday of
    // the last week it got a digest for, so a sweep asks nothing more of groups already done.
    public async Task<IReadOnlyList<DigestGroup>> LinkedGroupsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT g.id AS GroupId, g.linked_chat_id AS ChatId, g.time_zone AS TimeZone, g.wall_time AS WallTime, g.language AS Language,
                   g.name AS Name, g.points AS Points, g.leaderboard AS Leaderboard,
                   (SELECT MAX(d.week_start) FROM group_digests d WHERE d.group_id = g.id) AS LastWeekStart
            FROM study_groups g WHERE g.linked_chat_id IS NOT NULL
            """;
        return (await connection.QueryAsync<DigestGroup>(sql, new { CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    // Per day of the week with a prompt sent: how many members got it and how many answered it
    // (made up included: the week is over, and a made-up day counts for its day).
    public async Task<IReadOnlyList<DigestDay>> DaysAsync(long groupId, DateOnly weekStart, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT d.local_date AS Day, COUNT(*) AS Received,
                   SUM(CASE WHEN EXISTS (SELECT 1 FROM reflections r WHERE r.delivery_id = d.id) THEN 1 ELSE 0 END) AS Answered
            FROM deliveries d
            WHERE d.group_id = @GroupId AND d.local_date >= @WeekStart AND d.local_date <= @WeekEnd AND d.sent_utc IS NOT NULL
            GROUP BY d.local_date
            ORDER BY d.local_date
            """;
        var parameters = new { GroupId = groupId, WeekStart = weekStart, WeekEnd = weekStart.AddDays(6), CancellationToken = cancellationToken };
        return (await connection.QueryAsync<DigestDay>(sql, parameters, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    // The group's ten current members with most points earned in the week (the points' own dates, so a day
    // made up on Monday still counts for the week it belongs to). Ties: whoever reached the total
    // first goes first, then the earlier member. Someone who left the group is not shown in it.
    public async Task<IReadOnlyList<DigestScore>> TopAsync(long groupId, DateOnly weekStart, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT l.display_name AS Name, SUM(p.points) AS Points
            FROM points p
            JOIN learners l ON l.chat_id = p.chat_id AND l.group_id = p.group_id
            WHERE p.group_id = @GroupId AND p.local_date >= @WeekStart AND p.local_date <= @WeekEnd
            GROUP BY p.chat_id, l.display_name
            ORDER BY SUM(p.points) DESC, MAX(p.created_utc), p.chat_id
            LIMIT 10
            """;
        var parameters = new { GroupId = groupId, WeekStart = weekStart, WeekEnd = weekStart.AddDays(6), CancellationToken = cancellationToken };
        return (await connection.QueryAsync<DigestScore>(sql, parameters, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    /// <returns>true when this call claimed the week's digest (and queued its post).</returns>
    public Task<bool> TryClaimAsync(DigestGroup group, DateOnly weekStart, string text, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        const string claim = """
            INSERT INTO group_digests (group_id, week_start, claimed_utc) VALUES (@GroupId, @WeekStart, @Now)
            ON CONFLICT (group_id, week_start) DO NOTHING
            """;
        var parameters = new { group.GroupId, WeekStart = weekStart, Now = now, CancellationToken = cancellationToken };
        var message = new OutboxMessage { ChatId = group.ChatId, Kind = OutboxStore.Kind.GroupDigest, Priority = OutboxStore.Priority.Bulk, Text = text };
        return OutboxStore.ChangeWithNoticeAsync(database, (connection, transaction) => connection.ExecuteAsync(claim, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), message, now, cancellationToken);
    }
}

internal sealed class DigestGroup
{
    public long GroupId { get; set; }
    public long ChatId { get; set; }
    public string TimeZone { get; set; } = "";
    public string WallTime { get; set; } = "";
    public string Language { get; set; } = "";
    public string Name { get; set; } = "";
    public bool Points { get; set; }
    public bool Leaderboard { get; set; }
    public DateOnly? LastWeekStart { get; set; }
}

internal sealed class DigestDay
{
    public DateOnly Day { get; set; }
    public long Received { get; set; }
    public long Answered { get; set; }
}

internal sealed class DigestScore
{
    public string Name { get; set; } = "";
    public long Points { get; set; }
}

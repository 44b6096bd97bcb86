using Dapper;
using StudyBot.Data;

namespace StudyBot.Reflections;

// The points of SPEC's group life: what each reason is worth and how it is written, once per
// learner, day and reason (the points table's key), so nothing counts twice.
internal sealed class Points(Database database, TimeProvider time)
{
    public const string Day = "day";
    public const string Share = "share";
    public const string Featured = "featured";
    public const int OnTheDay = 2;
    public const int MadeUpDay = 1;
    public const int ForSharing = 1;
    public const int ForFeatured = 3;

    // For a reflection shared or featured: on its prompt's date, in its group, where points are on.
    public Task AwardAsync(long reflectionId, string reason, int points, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO points (chat_id, group_id, local_date, reason, points, created_utc)
            SELECT r.chat_id, r.group_id, d.local_date, @Reason, @Points, @Now
            FROM reflections r
            JOIN deliveries d ON d.id = r.delivery_id
            JOIN study_groups g ON g.id = r.group_id
            WHERE r.id = @ReflectionId AND g.points = 1
            ON CONFLICT (chat_id, local_date, reason) DO NOTHING
            """;
        var parameters = new { ReflectionId = reflectionId, Reason = reason, Points = points, Now = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken };
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // The learner's points in the group: in all, since `weekStart`, and their rank among the
    // group's learners by total (1 + how many have more).
    public async Task<PointsSummary> SummaryAsync(long chatId, long groupId, DateOnly weekStart, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT COALESCE(SUM(points), 0) AS Total,
                   COALESCE(SUM(CASE WHEN local_date >= @WeekStart THEN points ELSE 0 END), 0) AS ThisWeek
            FROM points WHERE chat_id = @ChatId AND group_id = @GroupId
            """;
        var summary = await connection.QuerySingleAsync<PointsSummary>(sql, new { ChatId = chatId, GroupId = groupId, WeekStart = weekStart, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
        const string rank = """
            SELECT COUNT(*) + 1 FROM (
                SELECT chat_id, SUM(points) AS total FROM points WHERE group_id = @GroupId GROUP BY chat_id
            ) totals
            WHERE totals.total > @Total
            """;
        summary.Rank = await connection.ExecuteScalarAsync<long>(rank, new { GroupId = groupId, summary.Total, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
        return summary;
    }
}

internal sealed class PointsSummary
{
    public long Total { get; set; }
    public long ThisWeek { get; set; }
    public long Rank { get; set; }
}

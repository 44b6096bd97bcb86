using Dapper;
using StudyBot.Data;
using StudyBot.Learners;

namespace StudyBot.Stats;

internal sealed class StatsStore(Database database)
{
    private const string Counts = """
        SELECT COUNT(*) AS Total,
               COALESCE(SUM(CASE WHEN status = @Active THEN 1 ELSE 0 END), 0) AS Active,
               COALESCE(SUM(CASE WHEN status = @Paused THEN 1 ELSE 0 END), 0) AS Paused
        """;

    // Each delivery's replies are counted once: as a plain subquery in FROM, both engines folded
    // it into the outer query and ran the count once for each of its two uses. MATERIALIZED keeps
    // it a step of its own (PostgreSQL: 12,000 buffer reads for a group's 30 days instead of 21,000).
    private const string PerDelivery = """
        WITH per_delivery AS MATERIALIZED (
            SELECT d.local_date,
                   CASE WHEN d.sent_utc IS NOT NULL THEN 1 ELSE 0 END AS sent,
                   (SELECT COUNT(*) FROM reflections r WHERE r.delivery_id = d.id) AS replies
            FROM deliveries d
        """;

    private const string ByDay = """
        )
        SELECT local_date AS LocalDate,
               SUM(sent) AS Deliveries,
               SUM(CASE WHEN sent = 1 AND replies > 0 THEN 1 ELSE 0 END) AS Answered,
               SUM(replies) AS Reflections
        FROM per_delivery
        GROUP BY local_date
        ORDER BY local_date
        """;

    private const string AllSubscribersSql = $"{Counts} FROM learners";
    private const string AllByDaySql = $"{PerDelivery} WHERE d.local_date BETWEEN @From AND @To {ByDay}";

    // A group's statements, internal so the bench can show their plans (tests/StudyBot.Bench).
    internal const string GroupSubscribersSql = $"{Counts} FROM learners WHERE group_id = @GroupId";
    internal const string GroupByDaySql = $"{PerDelivery} WHERE d.group_id = @GroupId AND d.local_date BETWEEN @From AND @To {ByDay}";

    // groupId null: the whole deployment (an owner acting on all groups). A group's own statement,
    // not "@GroupId IS NULL OR ...": neither engine uses the group's index behind such an OR.
    public async Task<SubscriberCounts> CountSubscribersAsync(long? groupId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var parameters = new { GroupId = groupId ?? 0, Active = LearnerStatus.Active, Paused = LearnerStatus.Paused, CancellationToken = cancellationToken };
        return groupId is null
            ? await connection.QuerySingleAsync<SubscriberCounts>(AllSubscribersSql, parameters, commandTimeout: Database.CommandTimeoutSeconds)
            : await connection.QuerySingleAsync<SubscriberCounts>(GroupSubscribersSql, parameters, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // Per local date of the prompt: prompts sent, prompts with at least one answer, and answers.
    // A reflection counts on the day of the prompt it answers, so a day's reply rate is its own.
    // Days with no delivery are absent.
    // A delivery counts for the group it was made in, so a member who moved on leaves their past days behind.
    public async Task<IReadOnlyList<DayCounts>> CountByDayAsync(long? groupId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var parameters = new { GroupId = groupId ?? 0, From = from, To = to, CancellationToken = cancellationToken };
        var rows = groupId is null
            ? await connection.QueryAsync<DayCounts>(AllByDaySql, parameters, commandTimeout: Database.CommandTimeoutSeconds)
            : await connection.QueryAsync<DayCounts>(GroupByDaySql, parameters, commandTimeout: Database.CommandTimeoutSeconds);
        return rows.AsList();
    }
}

internal sealed class SubscriberCounts
{
    public long Total { get; set; }
    public long Active { get; set; }
    public long Paused { get; set; }
}

internal sealed class DayCounts
{
    public DateOnly LocalDate { get; set; }
    public long Deliveries { get; set; }
    public long Answered { get; set; }
    public long Reflections { get; set; }
}

using Dapper;
using StudyBot.Data;

namespace StudyBot.Reports;

// What the participation report counts, for one group and a range of local dates: its members,
// each member's deliveries of the range with their answers, and their points, shares and features.
internal sealed class ReportStore(Database database)
{
    public async Task<IReadOnlyList<ReportMember>> MembersAsync(long groupId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT chat_id AS ChatId, display_name AS DisplayName, username AS Username, time_zone AS TimeZone, joined_utc AS JoinedUtc
            FROM learners WHERE group_id = @GroupId
            ORDER BY display_name, chat_id
            """;
        return (await connection.QueryAsync<ReportMember>(sql, new { GroupId = groupId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    // One row per delivery made in the group in the range: sent or not, answered or not, made up.
    public async Task<IReadOnlyList<ReportDay>> DaysAsync(long groupId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT d.chat_id AS ChatId, d.local_date AS LocalDate,
                   CASE WHEN d.sent_utc IS NOT NULL THEN 1 ELSE 0 END AS Sent,
                   (SELECT COUNT(*) FROM reflections r WHERE r.delivery_id = d.id AND r.made_up < 2) AS Answers,
                   (SELECT COUNT(*) FROM reflections r WHERE r.delivery_id = d.id AND r.made_up = 0) AS OnTimeAnswers
            FROM deliveries d
            WHERE d.group_id = @GroupId AND d.local_date BETWEEN @From AND @To
            """;
        var parameters = new { GroupId = groupId, From = from, To = to, CancellationToken = cancellationToken };
        return (await connection.QueryAsync<ReportDay>(sql, parameters, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    public async Task<IReadOnlyList<ReportTotals>> TotalsAsync(long groupId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT r.chat_id AS ChatId,
                   COALESCE(SUM(CASE WHEN r.shared_utc IS NOT NULL THEN 1 ELSE 0 END), 0) AS Shared,
                   COALESCE(SUM(CASE WHEN r.featured_utc IS NOT NULL THEN 1 ELSE 0 END), 0) AS Featured,
                   (SELECT COALESCE(SUM(p.points), 0) FROM points p
                    WHERE p.chat_id = r.chat_id AND p.group_id = @GroupId AND p.local_date BETWEEN @From AND @To) AS Points
            FROM reflections r
            JOIN deliveries d ON d.id = r.delivery_id
            WHERE r.group_id = @GroupId AND d.local_date BETWEEN @From AND @To
            GROUP BY r.chat_id
            """;
        var parameters = new { GroupId = groupId, From = from, To = to, CancellationToken = cancellationToken };
        return (await connection.QueryAsync<ReportTotals>(sql, parameters, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }
}

internal sealed class ReportMember
{
    public long ChatId { get; set; }
    public string DisplayName { get; set; } = "";
    public string? Username { get; set; }
    public string TimeZone { get; set; } = "";
    public DateTime? JoinedUtc { get; set; }
}

internal sealed class ReportDay
{
    public long ChatId { get; set; }
    public DateOnly LocalDate { get; set; }
    public long Sent { get; set; }
    public long Answers { get; set; }
    public long OnTimeAnswers { get; set; }
}

internal sealed class ReportTotals
{
    public long ChatId { get; set; }
    public long Shared { get; set; }
    public long Featured { get; set; }
    public long Points { get; set; }
}

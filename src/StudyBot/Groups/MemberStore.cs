using System.Globalization;
using Dapper;
using StudyBot.Data;
using StudyBot.Learners;
using StudyBot.Outbox;

namespace StudyBot.Groups;

// The members of a group with their participation in it: what /members shows a page at a time.
internal sealed class MemberStore(Database database, TimeProvider time)
{
    // The statements of a /members page, internal so the bench can show their plans (tests/StudyBot.Bench).
    internal const string CountSql = "SELECT COUNT(*) FROM learners WHERE group_id = @GroupId";

    // The page's members are picked first and only theirs are counted: with the counts beside
    // every member before the sort, a page of a group of a hundred took 12 ms on SQLite, and ten
    // times as long for a group ten times larger. MATERIALIZED keeps either engine from folding
    // the page back into the outer query.
    internal const string PageSql = """
        WITH page AS MATERIALIZED (
            SELECT chat_id, display_name, status, time_zone
            FROM learners
            WHERE group_id = @GroupId
            ORDER BY display_name, chat_id
            LIMIT @Limit OFFSET @Offset
        )
        SELECT page.chat_id AS ChatId, page.display_name AS DisplayName, page.status AS Status, page.time_zone AS TimeZone,
               (SELECT COUNT(*) FROM deliveries d
                WHERE d.chat_id = page.chat_id AND d.group_id = @GroupId
                  AND EXISTS (SELECT 1 FROM reflections r WHERE r.delivery_id = d.id)) AS Answered,
               (SELECT COUNT(*) FROM deliveries d
                WHERE d.chat_id = page.chat_id AND d.group_id = @GroupId AND d.sent_utc IS NOT NULL AND d.local_date < @Today
                  AND NOT EXISTS (SELECT 1 FROM reflections r WHERE r.delivery_id = d.id)) AS Missed,
               (SELECT MAX(r.created_utc) FROM reflections r WHERE r.chat_id = page.chat_id AND r.group_id = @GroupId) AS LastAnswerUtc
        FROM page
        ORDER BY page.display_name, page.chat_id
        """;

    // Ids from our own table, as literals; no CancellationToken member with SQL built at run
    // time (Dapper.AOT's generator cannot compile that pair).
    internal static string AnsweredDatesSql(IEnumerable<long> chatIds) => $"""
        SELECT d.chat_id AS ChatId, d.local_date AS LocalDate
        FROM deliveries d
        WHERE d.chat_id IN ({string.Join(", ", chatIds.Select(id => id.ToString(CultureInfo.InvariantCulture)))})
          AND EXISTS (SELECT 1 FROM reflections r WHERE r.delivery_id = d.id)
        """;

    // A member's figures count only what was delivered and written in this group: a member who
    // came from another group starts here at zero, and keeps their past there.
    public async Task<IReadOnlyList<MemberRow>> PageAsync(long groupId, int page, int pageSize, DateOnly today, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var parameters = new { GroupId = groupId, Today = today, Limit = pageSize, Offset = page * pageSize, CancellationToken = cancellationToken };
        return (await connection.QueryAsync<MemberRow>(PageSql, parameters, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    public async Task<long> CountAsync(long groupId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(CountSql, new { GroupId = groupId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // The answered dates of a page's members, for their streaks, in one read.
    public async Task<ILookup<long, DateOnly>> AnsweredDatesAsync(IReadOnlyCollection<long> chatIds, CancellationToken cancellationToken)
    {
        if (chatIds.Count == 0)
        {
            return Array.Empty<AnsweredDate>().ToLookup(a => a.ChatId, a => a.LocalDate);
        }

        await using var connection = await database.OpenAsync(cancellationToken);

        var sql = AnsweredDatesSql(chatIds);
        var rows = await connection.QueryAsync<AnsweredDate>(sql, commandTimeout: Database.CommandTimeoutSeconds);
        return rows.ToLookup(a => a.ChatId, a => a.LocalDate);
    }

    public async Task<MemberName?> FindAsync(long groupId, long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT display_name AS DisplayName, language AS Language FROM learners WHERE chat_id = @ChatId AND group_id = @GroupId";
        return await connection.QuerySingleOrDefaultAsync<MemberName>(sql, new { ChatId = chatId, GroupId = groupId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // Out of the group, and no more prompts: a removed member did not ask for the default group's.
    // What they wrote stays theirs. Only while they are still in that group.
    /// <returns>true when this call removed them.</returns>
    // notice: the removed member's message, queued only if this call removed them.
    public async Task<bool> RemoveAsync(long groupId, long chatId, OutboxMessage notice, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE learners
            SET group_id = @DefaultGroup, status = @Stopped, next_delivery_utc = NULL, makeup_date = NULL, joined_utc = @Now, updated_utc = @Now
            WHERE chat_id = @ChatId AND group_id = @GroupId
            """;
        var now = time.GetUtcNow().UtcDateTime;
        var parameters = new { ChatId = chatId, GroupId = groupId, DefaultGroup = StudyGroup.DefaultId, Stopped = LearnerStatus.Stopped, Now = now, CancellationToken = cancellationToken };
        return await OutboxStore.ChangeWithNoticeAsync(database, (connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), notice, now, cancellationToken);
    }

    internal sealed class AnsweredDate
    {
        public long ChatId { get; set; }
        public DateOnly LocalDate { get; set; }
    }
}

internal sealed class MemberName
{
    public string DisplayName { get; set; } = "";
    public string Language { get; set; } = "";
}

internal sealed class MemberRow
{
    public long ChatId { get; set; }
    public string DisplayName { get; set; } = "";
    public string Status { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public long Answered { get; set; }
    public long Missed { get; set; }
    public DateTime? LastAnswerUtc { get; set; }
}

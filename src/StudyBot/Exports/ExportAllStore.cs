using System.Runtime.CompilerServices;
using Dapper;
using StudyBot.Data;
using StudyBot.Reflections;

namespace StudyBot.Exports;

internal sealed class ExportAllStore(Database database)
{
    // The reflections made in a group (every group's when groupId is null) on prompts of local dates
    // from..to (inclusive), in date order, then by learner. Unbuffered: one row at a time, however
    // many there are.
    public async IAsyncEnumerable<ExportRow> StreamAsync(long? groupId, DateOnly from, DateOnly to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT COALESCE(l.display_name, '') AS DisplayName, d.local_date AS LocalDate, d.theme AS Theme, d.quote AS Quote, r.text AS Text,
                   r.kind AS Kind, r.duration_seconds AS DurationSeconds
            FROM reflections r
            JOIN deliveries d ON d.id = r.delivery_id
            LEFT JOIN learners l ON l.chat_id = r.chat_id
            WHERE d.local_date BETWEEN @From AND @To AND (@GroupId IS NULL OR r.group_id = @GroupId)
            ORDER BY d.local_date, l.display_name, r.chat_id, r.created_utc, r.id
            """;
        await foreach (var row in connection.QueryUnbufferedAsync<ExportRow>(sql, new { GroupId = groupId, From = from, To = to, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds).WithCancellation(cancellationToken))
        {
            yield return row;
        }
    }
}

internal sealed class ExportRow : IReflectionBody
{
    public int Kind { get; set; }
    public int? DurationSeconds { get; set; }
    public string DisplayName { get; set; } = "";
    public DateOnly LocalDate { get; set; }
    public string Theme { get; set; } = "";
    public string Quote { get; set; } = "";
    public string Text { get; set; } = "";
}

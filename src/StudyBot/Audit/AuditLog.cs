using Dapper;
using StudyBot.Data;

namespace StudyBot.Audit;

// Who did what and when, for every admin action. Written after the action succeeded, in its own
// unit of work: the action never waits on, or fails because of, its audit row.
internal sealed class AuditLog(Database database, TimeProvider time)
{
    public static class Actions
    {
        public const string BroadcastDraft = "broadcast.draft";
        public const string BroadcastConfirm = "broadcast.confirm";
        public const string BroadcastCancel = "broadcast.cancel";
        public const string Remind = "remind";
        public const string ExportAll = "exportall";
        public const string Stats = "stats";
        public const string Import = "import";
        public const string GroupCreated = "group.create";
        public const string GroupChanged = "group.set";
        public const string OrganizerLinkRenewed = "group.organizer_link";
        public const string Calendar = "group.calendar";
        public const string MemberRemoved = "group.remove_member";
        public const string Featured = "wall.feature";
        public const string Report = "report";
        public const string ChatLinked = "group.link";
        public const string ChatUnlinked = "group.unlink";
    }

    public Task WriteAsync(long userId, string action, string? details, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO audit (user_id, at_utc, action, details)
            VALUES (@UserId, @AtUtc, @Action, @Details)
            """;
        var parameters = new { UserId = userId, AtUtc = time.GetUtcNow().UtcDateTime, Action = action, Details = details, CancellationToken = cancellationToken };
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }
}

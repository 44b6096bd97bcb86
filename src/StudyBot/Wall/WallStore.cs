using Dapper;
using StudyBot.Data;
using StudyBot.Outbox;
using StudyBot.Reflections;

namespace StudyBot.Wall;

// The group's wall: reflections their authors shared, the organizers' features and comments.
internal sealed class WallStore(Database database, TimeProvider time)
{
    // At most this many a day on an organizer's wall; more than a chat can show at once.
    public const int MaxPerDay = 20;

    public async Task<IReadOnlyList<WallEntry>> SharedOnAsync(long groupId, DateOnly day, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT r.id AS Id, r.chat_id AS AuthorChatId, COALESCE(l.display_name, '') AS AuthorName, r.text AS Text, r.kind AS Kind, r.duration_seconds AS DurationSeconds,
                   d.local_date AS LocalDate, r.featured_utc AS FeaturedUtc
            FROM reflections r
            JOIN deliveries d ON d.id = r.delivery_id
            LEFT JOIN learners l ON l.chat_id = r.chat_id
            WHERE r.group_id = @GroupId AND d.local_date = @Day AND r.shared_utc IS NOT NULL
            ORDER BY r.shared_utc
            LIMIT @Limit
            """;
        var parameters = new { GroupId = groupId, Day = day, Limit = MaxPerDay, CancellationToken = cancellationToken };
        return (await connection.QueryAsync<WallEntry>(sql, parameters, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    // Shared or not: Feature and Comment need it shared; a comment written on it is delivered even
    // if its author hid it since.
    public async Task<WallReflection?> FindAsync(long reflectionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT r.id AS Id, r.chat_id AS AuthorChatId, r.group_id AS GroupId, r.text AS Text, r.kind AS Kind, r.duration_seconds AS DurationSeconds, d.local_date AS LocalDate,
                   COALESCE(l.display_name, '') AS AuthorName, COALESCE(l.language, '') AS AuthorLanguage,
                   r.shared_utc AS SharedUtc
            FROM reflections r
            JOIN deliveries d ON d.id = r.delivery_id
            LEFT JOIN learners l ON l.chat_id = r.chat_id
            WHERE r.id = @Id
            """;
        return await connection.QuerySingleOrDefaultAsync<WallReflection>(sql, new { Id = reflectionId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    /// <returns>true the first time.</returns>
    /// <param name="notice">The author's message, queued with the first feature.</param>
    public async Task<bool> FeatureAsync(long reflectionId, OutboxMessage notice, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE reflections SET featured_utc = @Now WHERE id = @Id AND featured_utc IS NULL AND shared_utc IS NOT NULL";
        var now = time.GetUtcNow().UtcDateTime;
        var parameters = new { Id = reflectionId, Now = now, CancellationToken = cancellationToken };
        return await OutboxStore.ChangeWithNoticeAsync(database, (connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), notice, now, cancellationToken);
    }

    public Task StartCommentAsync(long organizerId, long reflectionId, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO pending_comments (organizer_id, reflection_id, created_utc) VALUES (@OrganizerId, @ReflectionId, @Now)
            ON CONFLICT (organizer_id) DO UPDATE SET reflection_id = excluded.reflection_id, created_utc = excluded.created_utc
            """;
        var parameters = new { OrganizerId = organizerId, ReflectionId = reflectionId, Now = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken };
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // The organizer's text becomes the comment on the reflection they pressed Comment on, the
    // pending mark goes and the author's notice is queued, in one transaction: false when that
    // comment is no longer pending (taken by a retry, expired, or Comment pressed on another).
    public Task<bool> TakeCommentAsync(long organizerId, long reflectionId, string text, OutboxMessage notice, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var parameters = new { OrganizerId = organizerId, ReflectionId = reflectionId, Text = text, Now = now, Since = now - CommentWindow, CancellationToken = cancellationToken };
        const string take = "DELETE FROM pending_comments WHERE organizer_id = @OrganizerId AND reflection_id = @ReflectionId AND created_utc > @Since";
        return OutboxStore.ChangeWithNoticeAsync(
            database,
            async (connection, transaction) =>
                await connection.ExecuteAsync(take, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds) == 0
                    ? 0
                    : await connection.ExecuteAsync(InsertComment, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds),
            notice,
            now,
            cancellationToken);
    }

    // A comment written in one go (the web app's wall), saved with its notice to the author.
    public Task<bool> AddCommentAsync(long organizerId, long reflectionId, string text, OutboxMessage notice, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var parameters = new { OrganizerId = organizerId, ReflectionId = reflectionId, Text = text, Now = now, CancellationToken = cancellationToken };
        return OutboxStore.ChangeWithNoticeAsync(database, (connection, transaction) => connection.ExecuteAsync(InsertComment, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), notice, now, cancellationToken);
    }

    private const string InsertComment = """
        INSERT INTO comments (reflection_id, organizer_id, text, created_utc)
        SELECT id, @OrganizerId, @Text, @Now FROM reflections WHERE id = @ReflectionId
        """;

    // A Comment pressed and not followed by a text within this is forgotten: the organizer's text
    // days later is their own reflection, not a comment to somebody else.
    public static readonly TimeSpan CommentWindow = TimeSpan.FromMinutes(15);

    // The reflection the organizer pressed Comment on, while their comment is awaited.
    public async Task<long?> PendingCommentAsync(long organizerId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT reflection_id FROM pending_comments WHERE organizer_id = @OrganizerId AND created_utc > @Since";
        var parameters = new { OrganizerId = organizerId, Since = time.GetUtcNow().UtcDateTime - CommentWindow, CancellationToken = cancellationToken };
        return await connection.ExecuteScalarAsync<long?>(sql, parameters, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // The comments on these reflections, oldest first, for /history.
    public async Task<ILookup<long, string>> CommentsOnAsync(IReadOnlyCollection<long> reflectionIds, CancellationToken cancellationToken)
    {
        if (reflectionIds.Count == 0)
        {
            return Array.Empty<CommentRow>().ToLookup(c => c.ReflectionId, c => c.Text);
        }

        await using var connection = await database.OpenAsync(cancellationToken);

        // Ids from our own table, as literals; no CancellationToken member with SQL built at run
        // time (Dapper.AOT's generator cannot compile that pair).
        var sql = $"""
            SELECT reflection_id AS ReflectionId, text AS Text FROM comments
            WHERE reflection_id IN ({string.Join(", ", reflectionIds.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)))})
            ORDER BY created_utc, id
            """;
        var rows = await connection.QueryAsync<CommentRow>(sql, commandTimeout: Database.CommandTimeoutSeconds);
        return rows.ToLookup(c => c.ReflectionId, c => c.Text);
    }

    internal sealed class CommentRow
    {
        public long ReflectionId { get; set; }
        public string Text { get; set; } = "";
    }
}

internal sealed class WallEntry : IReflectionBody
{
    public int Kind { get; set; }
    public int? DurationSeconds { get; set; }
    public long Id { get; set; }
    public long AuthorChatId { get; set; }
    public string AuthorName { get; set; } = "";
    public string Text { get; set; } = "";
    public DateOnly LocalDate { get; set; }
    public DateTime? FeaturedUtc { get; set; }
}

internal sealed class WallReflection : IReflectionBody
{
    public int Kind { get; set; }
    public int? DurationSeconds { get; set; }
    public long Id { get; set; }
    public long AuthorChatId { get; set; }
    public long GroupId { get; set; }
    public string Text { get; set; } = "";
    public DateOnly LocalDate { get; set; }
    public string AuthorName { get; set; } = "";
    public string AuthorLanguage { get; set; } = "";
    public DateTime? SharedUtc { get; set; }
    public bool IsShared => SharedUtc is not null;
}

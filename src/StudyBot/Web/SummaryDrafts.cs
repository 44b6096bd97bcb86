using System.Text.Json;
using Dapper;
using StudyBot.Data;

namespace StudyBot.Web;

// The learner's summary draft (table summary_drafts), one JSON document per learner with a
// version that counts its saves.
internal sealed class SummaryDrafts(Database database, TimeProvider time)
{
    // The saved draft and its version, or null when the learner has saved none.
    public async Task<VersionedDraft?> GetAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT version AS Version, document AS Document FROM summary_drafts WHERE chat_id = @ChatId";
        var row = await connection.QuerySingleOrDefaultAsync<StoredDraft>(sql, new { ChatId = chatId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
        return row is null ? null : new VersionedDraft(row.Version, JsonSerializer.Deserialize(row.Document, WebJson.Default.SummaryDraft)!);
    }

    // Saves the draft over the version the page started from (0: none saved yet) and returns the
    // new version; null when the stored draft has moved on since. The same draft sent again (a
    // retry whose answer was lost) is no conflict: the version that holds it is returned.
    public Task<int?> SaveAsync(long chatId, int startedFrom, SummaryDraft draft, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            ChatId = chatId,
            Version = startedFrom,
            Document = JsonSerializer.Serialize(draft, WebJson.Default.SummaryDraft),
            Now = time.GetUtcNow().UtcDateTime,
            CancellationToken = cancellationToken,
        };
        return database.WriteAsync(async (connection, transaction) =>
        {
            // The first save inserts, a later one updates the version it names: either way no row
            // comes back when the page is stale.
            const string insert = """
                INSERT INTO summary_drafts (chat_id, version, document, updated_utc) VALUES (@ChatId, 1, @Document, @Now)
                ON CONFLICT (chat_id) DO NOTHING
                RETURNING version
                """;
            const string update = """
                UPDATE summary_drafts SET version = version + 1, document = @Document, updated_utc = @Now
                WHERE chat_id = @ChatId AND version = @Version
                RETURNING version
                """;
            int? saved;
            if (startedFrom == 0)
            {
                saved = await connection.ExecuteScalarAsync<int?>(insert, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            }
            else
            {
                saved = await connection.ExecuteScalarAsync<int?>(update, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            }

            if (saved is not null)
            {
                return saved;
            }

            const string current = "SELECT version AS Version, document AS Document FROM summary_drafts WHERE chat_id = @ChatId";
            var stored = await connection.QuerySingleOrDefaultAsync<StoredDraft>(current, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            return stored is not null && stored.Document == parameters.Document ? stored.Version : (int?)null;
        }, cancellationToken);
    }
}

// A row of summary_drafts.
internal sealed class StoredDraft
{
    public int Version { get; set; }
    public string Document { get; set; } = "";
}

internal sealed record VersionedDraft(int Version, SummaryDraft Draft);

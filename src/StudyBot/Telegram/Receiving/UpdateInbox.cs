using System.Text.Json;
using Dapper;
using StudyBot.Data;
using Telegram.Bot.Types;

namespace StudyBot.Telegram.Receiving;

// Updates are written here before Telegram is told they arrived, so a crash loses none of them,
// and the update_id key makes a redelivered update a no-op.
internal sealed class UpdateInbox(Database database, TimeProvider time)
{
    /// <returns>The updates that were not stored before, in the order given.</returns>
    public Task<IReadOnlyList<Update>> StoreAsync(IReadOnlyList<Update> updates, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var rows = updates.Select(update => new
        {
            UpdateId = (long)update.Id,
            ChatId = ChatOf(update),
            Payload = JsonSerializer.Serialize(update, TelegramJson.Update),
            ReceivedUtc = now,
        }).ToList();
        return database.WriteAsync<IReadOnlyList<Update>>(async (connection, transaction) =>
        {
            const string sql = """
                INSERT INTO inbound_updates (update_id, chat_id, payload, received_utc)
                VALUES (@UpdateId, @ChatId, @Payload, @ReceivedUtc)
                ON CONFLICT (update_id) DO NOTHING
                """;
            var fresh = new List<Update>(updates.Count);
            for (var i = 0; i < updates.Count; i++)
            {
                if (await connection.ExecuteAsync(sql, rows[i], transaction, commandTimeout: Database.CommandTimeoutSeconds) == 1)
                {
                    fresh.Add(updates[i]);
                }
            }

            return fresh;
        }, cancellationToken);
    }

    // One prepared statement for the whole group (Dapper runs it once per id).
    public Task MarkHandledAsync(IReadOnlyList<long> updateIds, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE inbound_updates SET handled_utc = @HandledUtc WHERE update_id = @UpdateId";
        var now = time.GetUtcNow().UtcDateTime;
        // An array, not a List: the generated batch code reads a List<T> of anonymous rows as List<object>.
        var rows = updateIds.Select(id => new { UpdateId = id, HandledUtc = now }).ToArray();
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, rows, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    public async Task<IReadOnlyList<Update>> ListUnhandledAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT payload FROM inbound_updates WHERE handled_utc IS NULL ORDER BY update_id";
        var payloads = await connection.QueryAsync<string>(sql, commandTimeout: Database.CommandTimeoutSeconds);
        return payloads.Select(p => JsonSerializer.Deserialize(p, TelegramJson.Update)!).ToList();
    }

    // Telegram keeps an update for 24 hours at most, so older handled rows can no longer be redelivered.
    public Task<int> PruneHandledAsync(DateTime olderThanUtc, CancellationToken cancellationToken)
    {
        const string sql = "DELETE FROM inbound_updates WHERE handled_utc IS NOT NULL AND received_utc < @Before";
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, new { Before = olderThanUtc, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    public static long ChatOf(Update update) => update switch
    {
        { Message.Chat.Id: var id } => id,
        { EditedMessage.Chat.Id: var id } => id,
        { CallbackQuery.Message.Chat.Id: var id } => id,
        { CallbackQuery.From.Id: var id } => id,
        { MyChatMember.Chat.Id: var id } => id,
        _ => 0,
    };
}

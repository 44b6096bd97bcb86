using System.Text.Json;
using Dapper;
using StudyBot.Data;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace StudyBot.Telegram;

// Updates are written here before Telegram is told they arrived, so a crash loses none of them,
// and the update_id key makes a redelivered update a no-op.
public sealed class UpdateInbox(Database database, TimeProvider time)
{
    /// <returns>The updates that were not stored before, in the order given.</returns>
    public async Task<IReadOnlyList<Update>> StoreAsync(IReadOnlyList<Update> updates, CancellationToken cancellationToken)
    {
        var fresh = new List<Update>(updates.Count);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        const string sql = """
            INSERT INTO inbound_updates (update_id, chat_id, payload, received_utc)
            VALUES (@UpdateId, @ChatId, @Payload, @ReceivedUtc)
            ON CONFLICT (update_id) DO NOTHING
            """;
        foreach (var update in updates)
        {
            var inserted = await connection.ExecuteAsync(new CommandDefinition(sql, new
            {
                UpdateId = (long)update.Id,
                ChatId = ChatOf(update),
                Payload = JsonSerializer.Serialize(update, JsonBotAPI.Options),
                ReceivedUtc = now,
            }, transaction, cancellationToken: cancellationToken));
            if (inserted == 1)
            {
                fresh.Add(update);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return fresh;
    }

    public async Task MarkHandledAsync(long updateId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "UPDATE inbound_updates SET handled_utc = @HandledUtc WHERE update_id = @UpdateId";
        await connection.ExecuteAsync(new CommandDefinition(sql, new { UpdateId = updateId, HandledUtc = time.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Update>> ListUnhandledAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT payload FROM inbound_updates WHERE handled_utc IS NULL ORDER BY update_id";
        var payloads = await connection.QueryAsync<string>(new CommandDefinition(sql, cancellationToken: cancellationToken));
        return payloads.Select(p => JsonSerializer.Deserialize<Update>(p, JsonBotAPI.Options)!).ToList();
    }

    // Telegram keeps an update for 24 hours at most, so older handled rows can no longer be redelivered.
    public async Task<int> PruneHandledAsync(DateTime olderThanUtc, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "DELETE FROM inbound_updates WHERE handled_utc IS NOT NULL AND received_utc < @Before";
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { Before = olderThanUtc }, cancellationToken: cancellationToken));
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

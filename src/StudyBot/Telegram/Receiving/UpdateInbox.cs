using System.Text.Json;
using Dapper;
using StudyBot.Data;
using StudyBot.Outbox;
using Telegram.Bot.Types;

namespace StudyBot.Telegram.Receiving;

// Updates are written here before Telegram is told they arrived, so a crash loses none of them,
// and the update_id key makes a redelivered update a no-op. A row is pending until it is handled
// (handled_utc) or set aside (failed_utc): each handling is counted before it starts (attempts),
// so an update that kills the process is counted too, and one whose attempts are spent is set
// aside instead of being replayed into the same failure at every start.
internal sealed class UpdateInbox(Database database, TimeProvider time)
{
    // Attempts an update gets, across restarts and instances, before it is set aside.
    public const int MaxAttempts = 3;

    // The error kept with a row set aside: enough for the stack of a failure, not a whole log.
    private const int MaxErrorLength = 4000;

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

    // Committed before the handler runs: a crash during the handling still counts. Only a pending
    // row with attempts left is counted, so an update handled or set aside meanwhile (by another
    // instance, by the prune job) is not handled again.
    public Task<InboxAttempt> BeginAttemptAsync(long updateId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            const string count = """
                UPDATE inbound_updates SET attempts = attempts + 1
                WHERE update_id = @UpdateId AND handled_utc IS NULL AND failed_utc IS NULL AND attempts < @MaxAttempts
                RETURNING attempts
                """;
            var parameters = new { UpdateId = updateId, MaxAttempts, CancellationToken = cancellationToken };
            if (await connection.ExecuteScalarAsync<int?>(count, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds) is { } attempts)
            {
                return new InboxAttempt(AttemptState.Counted, attempts);
            }

            const string state = """
                SELECT CASE WHEN handled_utc IS NULL AND failed_utc IS NULL THEN 0 ELSE 1 END
                FROM inbound_updates WHERE update_id = @UpdateId
                """;
            var settled = await connection.ExecuteScalarAsync<int?>(state, new { UpdateId = updateId, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            return settled switch
            {
                null => new InboxAttempt(AttemptState.Missing, 0),
                0 => new InboxAttempt(AttemptState.Exhausted, MaxAttempts),
                _ => new InboxAttempt(AttemptState.Settled, 0),
            };
        }, cancellationToken);

    // One prepared statement for the whole group (Dapper runs it once per id). An update handled
    // after all is no longer set aside (the prune job may have set it aside while it ran).
    public Task MarkHandledAsync(IReadOnlyList<long> updateIds, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE inbound_updates SET handled_utc = @HandledUtc, failed_utc = NULL, error = NULL WHERE update_id = @UpdateId";
        var now = time.GetUtcNow().UtcDateTime;
        // An array, not a List: the generated batch code reads a List<T> of anonymous rows as List<object>.
        var rows = updateIds.Select(id => new { UpdateId = id, HandledUtc = now }).ToArray();
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, rows, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // Pending rows after `afterUpdateId`, in update_id order, at most `limit`: the replay reads the
    // inbox a page at a time, however much a long outage left in it. A payload that no longer reads
    // as an update (a newer or older client's JSON, a damaged row) comes back with its error.
    public async Task<IReadOnlyList<StoredUpdate>> ListUnhandledAsync(long afterUpdateId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = """
            SELECT update_id AS UpdateId, chat_id AS ChatId, attempts AS Attempts, payload AS Payload
            FROM inbound_updates
            WHERE handled_utc IS NULL AND failed_utc IS NULL AND update_id > @After
            ORDER BY update_id
            LIMIT @Limit
            """;
        var rows = await connection.QueryAsync<InboxRow>(sql, new { After = afterUpdateId, Limit = limit, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
        return rows.Select(Read).ToList();
    }

    // Sets a pending update aside for good, with its error, and queues `notices` in the same
    // transaction; returns false (and queues nothing) if it was no longer pending, so however many
    // instances or restarts see the failure, the notices go out once.
    public Task<bool> SetAsideAsync(long updateId, string error, IReadOnlyList<OutboxMessage> notices, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return database.WriteAsync(async (connection, transaction) =>
        {
            const string sql = """
                UPDATE inbound_updates SET failed_utc = @Now, error = @Error
                WHERE update_id = @UpdateId AND handled_utc IS NULL AND failed_utc IS NULL
                """;
            var parameters = new { UpdateId = updateId, Now = now, Error = Truncate(error), CancellationToken = cancellationToken };
            if (await connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds) == 0)
            {
                return false;
            }

            foreach (var notice in notices)
            {
                await OutboxStore.EnqueueAsync(connection, transaction, notice, now, cancellationToken);
            }

            return true;
        }, cancellationToken);
    }

    // Telegram keeps an update for 24 hours at most, so older handled rows can no longer be redelivered.
    public Task<int> PruneHandledAsync(DateTime olderThanUtc, CancellationToken cancellationToken)
    {
        const string sql = "DELETE FROM inbound_updates WHERE handled_utc IS NOT NULL AND received_utc < @Before";
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, new { Before = olderThanUtc, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // Pending rows received before `olderThanUtc` are set aside, not deleted: they may hold a
    // learner's words, which are kept like those of any update set aside.
    public Task<int> SetAsideStaleAsync(DateTime olderThanUtc, string error, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE inbound_updates SET failed_utc = @Now, error = @Error
            WHERE handled_utc IS NULL AND failed_utc IS NULL AND received_utc < @Before
            """;
        var parameters = new { Now = time.GetUtcNow().UtcDateTime, Error = error, Before = olderThanUtc, CancellationToken = cancellationToken };
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
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

    private static StoredUpdate Read(InboxRow row)
    {
        try
        {
            return JsonSerializer.Deserialize(row.Payload, TelegramJson.Update) is { } update
                ? new StoredUpdate(row.UpdateId, row.ChatId, row.Attempts, update, null)
                : new StoredUpdate(row.UpdateId, row.ChatId, row.Attempts, null, "The stored payload is empty");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return new StoredUpdate(row.UpdateId, row.ChatId, row.Attempts, null, $"The stored payload cannot be read as an update: {e.Message}");
        }
    }

    private static string Truncate(string error) => error.Length <= MaxErrorLength ? error : error[..MaxErrorLength];

    internal sealed class InboxRow
    {
        public long UpdateId { get; set; }
        public long ChatId { get; set; }
        public int Attempts { get; set; }
        public string Payload { get; set; } = "";
    }
}

internal enum AttemptState
{
    // Counted: handle it now; Number is this attempt's.
    Counted,

    // Handled or set aside already: nothing to do.
    Settled,

    // Pending with every attempt spent: the process stopped during the last one. Set it aside.
    Exhausted,

    // No row (the learner's data was deleted meanwhile): handle it once, uncounted.
    Missing,
}

internal readonly record struct InboxAttempt(AttemptState State, int Number);

// A pending row of the inbox: its update, or why the payload could not be read.
internal sealed record StoredUpdate(long UpdateId, long ChatId, int Attempts, Update? Update, string? ReadError);

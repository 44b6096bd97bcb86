using StudyBot.Configuration;

namespace StudyBot.Data;

// The few statements SQLite and PostgreSQL cannot share. Everything else is one SQL for both.
internal sealed class SqlDialect
{
    private SqlDialect()
    {
    }

    // Ends a SELECT whose rows a claim will change: PostgreSQL skips rows another instance has
    // locked rather than waiting for them; SQLite has one writer, so there is nothing to skip.
    public required string SkipLockedRows { get; init; }

    // The tables a learner's rows live in (every table with a chat_id column), read from the catalog
    // so a table a later migration adds is covered without editing the code that deletes.
    public required string TablesWithChatId { get; init; }

    // Taken before a reminder checks that its prompt is still unanswered; no row back means no
    // reminder. Saving a reflection holds a key-share lock on its delivery (the foreign key) until
    // it commits, so on PostgreSQL, where another writer may be saving one at that moment, the
    // delivery is skipped rather than waited for: the claim then never waits inside a group-commit
    // transaction, so it cannot close a deadlock with another writer's batch. SQLite has one writer,
    // so nothing can be saved beside the claim; the plain read still tells a deleted delivery.
    public required string LockDeliveryForReminder { get; init; }

    public static SqlDialect For(DatabaseProvider provider) => provider == DatabaseProvider.Postgres ? Postgres : Sqlite;

    private static readonly SqlDialect Sqlite = new()
    {
        SkipLockedRows = "",
        TablesWithChatId = """
            SELECT m.name
            FROM sqlite_master m
            JOIN pragma_table_info(m.name) c ON c.name = 'chat_id'
            WHERE m.type = 'table'
            """,
        LockDeliveryForReminder = "SELECT id FROM deliveries WHERE id = @DeliveryId",
    };

    private static readonly SqlDialect Postgres = new()
    {
        SkipLockedRows = "FOR UPDATE SKIP LOCKED",
        TablesWithChatId = """
            SELECT c.table_name
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND c.column_name = 'chat_id' AND t.table_type = 'BASE TABLE'
            """,
        LockDeliveryForReminder = "SELECT id FROM deliveries WHERE id = @DeliveryId FOR UPDATE SKIP LOCKED",
    };
}

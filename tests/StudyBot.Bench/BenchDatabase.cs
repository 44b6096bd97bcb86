using System.Diagnostics;
using System.Globalization;
using System.Net;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace StudyBot.Bench;

// The bot's database for one run, and the bench's own way to seed and read it.
// SQLite (the default): a fresh file in a temporary folder, read and seeded (while the bot is
// stopped) with unpooled connections, so nothing holds the file afterwards.
// PostgreSQL (UsePostgres): a fresh database `studybot_bench_<guid>` on the server named, dropped
// at the end. Either way the run has a temporary folder, the bot's working directory.
// (Over 300 lines: the seeding of every scenario, for both engines, shares its connections here;
// the group scenarios' generic rows and set-based statements are in BenchDatabase.Rows.cs.)
internal sealed partial class BenchDatabase : IDisposable
{
    private const string InstantFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    private static string? postgresAdmin;

    private readonly NpgsqlDataSource? postgres;
    private readonly string? postgresConnectionString;

    private BenchDatabase(string folder, string? postgresConnectionString)
    {
        Folder = folder;
        FilePath = Path.Combine(folder, "bench.db");
        this.postgresConnectionString = postgresConnectionString;
        postgres = postgresConnectionString is null ? null : NpgsqlDataSource.Create(postgresConnectionString);
    }

    // What every report names as the database it ran on.
    public static string Engine { get; private set; } = "SQLite (Microsoft.Data.Sqlite), a fresh file per run";

    public string Folder { get; }

    // SQLite only: the bot's database file.
    public string FilePath { get; }

    // The bot's Database__* settings (environment variables) for this database.
    public IReadOnlyDictionary<string, string> BotEnvironment => postgresConnectionString is null
        ? new Dictionary<string, string> { ["Database__Provider"] = "Sqlite", ["Database__ConnectionString"] = $"Data Source={FilePath}" }
        : new Dictionary<string, string> { ["Database__Provider"] = "Postgres", ["Database__ConnectionString"] = postgresConnectionString };

    // Runs every following scenario on PostgreSQL: checks the server answers and reads the settings
    // that decide what a commit costs, so the report can say what durability its figures include.
    // The bench sends its load to loopback only, so the server must be on this machine.
    public static void UsePostgres(string adminConnectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString);
        var host = builder.Host ?? "";
        if (!(host.StartsWith('/') || host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address))))
        {
            throw new ArgumentException($"--postgres: Host '{host}' is not on this machine; the bench only loads loopback (127.0.0.1, localhost, ::1) or a Unix socket folder");
        }

        try
        {
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(adminConnectionString) { Pooling = false }.ToString());
            connection.Open();
            var version = connection.ExecuteScalar<string>("SHOW server_version");
            var synchronousCommit = connection.ExecuteScalar<string>("SHOW synchronous_commit");
            var fsync = connection.ExecuteScalar<string>("SHOW fsync");
            Engine = $"PostgreSQL {version} at {host}:{builder.Port}, synchronous_commit={synchronousCommit}, fsync={fsync}; a fresh database per run";
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            throw new BenchFailure($"Cannot reach PostgreSQL at {host}:{builder.Port} as {builder.Username}: {e.Message}");
        }

        postgresAdmin = adminConnectionString;
    }

    public static BenchDatabase Create()
    {
        var folder = Directory.CreateTempSubdirectory("studybot-bench-").FullName;
        if (postgresAdmin is null)
        {
            return new BenchDatabase(folder, null);
        }

        var name = $"studybot_bench_{Guid.NewGuid():N}";
        using (var admin = OpenAdmin())
        {
            admin.Execute($"CREATE DATABASE {name}");
        }

        return new BenchDatabase(folder, new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = name }.ToString());
    }

    // The bot creates its schema at start-up; learners are written straight into it.
    /// <returns>Seconds the seeding took.</returns>
    public double SeedLearners(int count, DateTime? nextDeliveryUtc, string deliveryTime = "08:00", int perTransaction = 50_000) =>
        postgres is null ? SeedSqlite(count, nextDeliveryUtc, deliveryTime, perTransaction) : SeedPostgres(postgres, count, nextDeliveryUtc, deliveryTime);

    // SQLite only: `days` deliveries for each of learners 1..`learners` (already seeded), local dates
    // ending yesterday, and `count` reflections spread round-robin over them, each text 20
    // characters. Theme and quote are a few characters, so a row of the export stays near 50 bytes.
    /// <returns>Seconds the seeding took.</returns>
    public double SeedReflections(int count, int learners, int days, int perTransaction = 100_000)
    {
        if (postgres is not null)
        {
            throw new BenchFailure("exportall seeds reflections into SQLite only; run it without --postgres");
        }

        var started = Stopwatch.GetTimestamp();
        var now = DateTime.UtcNow.ToString(InstantFormat, CultureInfo.InvariantCulture);
        var firstDate = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-days);
        var deliveries = learners * days;
        using var connection = OpenSqlite(readOnly: false);
        using (var transaction = connection.BeginTransaction())
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO deliveries (id, chat_id, local_date, theme, quote, source, prompt, claimed_utc, sent_utc, message_id, attempts)
                VALUES ($id, $chat_id, $local_date, $theme, $quote, 'S', 'P', $now, $now, $id, 1)
                """;
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var chatId = insert.Parameters.Add("$chat_id", SqliteType.Integer);
            var localDate = insert.Parameters.Add("$local_date", SqliteType.Text);
            var theme = insert.Parameters.Add("$theme", SqliteType.Text);
            var quote = insert.Parameters.Add("$quote", SqliteType.Text);
            insert.Parameters.AddWithValue("$now", now);
            insert.Prepare();
            for (var d = 0; d < deliveries; d++)
            {
                var day = d / learners;
                id.Value = d + 1;
                chatId.Value = (d % learners) + 1;
                localDate.Value = firstDate.AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                theme.Value = $"T{day % 7}";
                quote.Value = $"Q{day}";
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        for (var first = 0; first < count; first += perTransaction)
        {
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO reflections (chat_id, message_id, delivery_id, text, created_utc, updated_utc)
                VALUES ($chat_id, $message_id, $delivery_id, $text, $now, $now)
                """;
            var chatId = insert.Parameters.Add("$chat_id", SqliteType.Integer);
            var messageId = insert.Parameters.Add("$message_id", SqliteType.Integer);
            var deliveryId = insert.Parameters.Add("$delivery_id", SqliteType.Integer);
            var text = insert.Parameters.Add("$text", SqliteType.Text);
            insert.Parameters.AddWithValue("$now", now);
            insert.Prepare();
            for (var i = first; i < first + perTransaction && i < count; i++)
            {
                var d = i % deliveries;
                chatId.Value = (d % learners) + 1;
                messageId.Value = 1_000_000_000L + i;
                deliveryId.Value = d + 1;
                text.Value = $"Reflection #{i:D8}";
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    // On SQLite a read-only connection: WAL lets it read while the bot writes.
    public long Count(string sql)
    {
        using var connection = Open(readOnly: true);
        return connection.ExecuteScalar<long>(sql);
    }

    // An instant column's value as UTC: SQLite stores ISO text, PostgreSQL timestamptz.
    public DateTime? Instant(string sql)
    {
        using var connection = Open(readOnly: true);
        return connection.ExecuteScalar(sql) switch
        {
            null or DBNull => null,
            DateTime value => DateTime.SpecifyKind(value, DateTimeKind.Utc),
            string text => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
            var other => throw new BenchFailure($"Expected an instant from `{sql}`, got {other.GetType().Name}"),
        };
    }

    public void Dispose()
    {
        // For a look at the data by hand afterwards (psql, sqlite3): nothing is dropped or deleted.
        if (Environment.GetEnvironmentVariable("STUDYBOT_BENCH_KEEP_DATABASE") == "1")
        {
            postgres?.Dispose();
            Console.WriteLine($"  (kept: {(postgresConnectionString is null ? FilePath : new NpgsqlConnectionStringBuilder(postgresConnectionString).Database)})");
            return;
        }

        if (postgres is not null)
        {
            var name = new NpgsqlConnectionStringBuilder(postgresConnectionString).Database;
            postgres.Dispose();
            try
            {
                using var admin = OpenAdmin();
                admin.Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            }
            catch (NpgsqlException e)
            {
                Console.WriteLine($"  (could not drop database {name}: {e.Message})");
            }
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException e)
        {
            Console.WriteLine($"  (could not delete {Folder}: {e.Message})");
        }
    }

    private static NpgsqlConnection OpenAdmin()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgresAdmin) { Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    // One transaction per `perTransaction` rows through one prepared statement (Dapper's per-row
    // execute would spend more time binding than SQLite spends inserting).
    private double SeedSqlite(int count, DateTime? nextDeliveryUtc, string deliveryTime, int perTransaction)
    {
        var started = Stopwatch.GetTimestamp();
        var now = DateTime.UtcNow.ToString(InstantFormat, CultureInfo.InvariantCulture);
        var next = nextDeliveryUtc?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        using var connection = OpenSqlite(readOnly: false);
        for (var first = 1; first <= count; first += perTransaction)
        {
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO learners (chat_id, display_name, language, time_zone, delivery_time, status, next_delivery_utc, subscribed_utc, updated_utc)
                VALUES ($chat_id, $name, 'zh-CN', 'Asia/Shanghai', $delivery_time, 'active', $next, $now, $now)
                """;
            var chatId = insert.Parameters.Add("$chat_id", SqliteType.Integer);
            var name = insert.Parameters.Add("$name", SqliteType.Text);
            insert.Parameters.AddWithValue("$next", (object?)next ?? DBNull.Value);
            insert.Parameters.AddWithValue("$now", now);
            insert.Parameters.AddWithValue("$delivery_time", deliveryTime);
            insert.Prepare();
            for (var id = first; id < first + perTransaction && id <= count; id++)
            {
                chatId.Value = id;
                name.Value = $"Learner {id}";
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    // Binary COPY: a million rows in seconds. Then VACUUM (ANALYZE), so the bot meets the table as a
    // database that has lived a while would have it (statistics planned on, hint bits set) rather
    // than paying for a fresh bulk load inside the measured window.
    private static double SeedPostgres(NpgsqlDataSource postgres, int count, DateTime? nextDeliveryUtc, string deliveryTime)
    {
        var started = Stopwatch.GetTimestamp();
        var now = DateTime.UtcNow;
        var next = nextDeliveryUtc is { } due ? DateTime.SpecifyKind(due, DateTimeKind.Utc) : (DateTime?)null;
        using var connection = postgres.OpenConnection();
        using (var copy = connection.BeginBinaryImport("""
            COPY learners (chat_id, display_name, language, time_zone, delivery_time, status, next_delivery_utc, subscribed_utc, updated_utc) FROM STDIN (FORMAT BINARY)
            """))
        {
            for (long id = 1; id <= count; id++)
            {
                copy.StartRow();
                copy.Write(id, NpgsqlDbType.Bigint);
                copy.Write($"Learner {id}", NpgsqlDbType.Text);
                copy.Write("zh-CN", NpgsqlDbType.Text);
                copy.Write("Asia/Shanghai", NpgsqlDbType.Text);
                copy.Write(deliveryTime, NpgsqlDbType.Text);
                copy.Write("active", NpgsqlDbType.Text);
                if (next is { } value)
                {
                    copy.Write(value, NpgsqlDbType.TimestampTz);
                }
                else
                {
                    copy.WriteNull();
                }

                copy.Write(now, NpgsqlDbType.TimestampTz);
                copy.Write(now, NpgsqlDbType.TimestampTz);
            }

            copy.Complete();
        }

        connection.Execute("VACUUM (ANALYZE) learners", commandTimeout: 300);
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private System.Data.Common.DbConnection Open(bool readOnly) =>
        postgres is null ? OpenSqlite(readOnly) : postgres.OpenConnection();

    private SqliteConnection OpenSqlite(bool readOnly)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        return connection;
    }
}

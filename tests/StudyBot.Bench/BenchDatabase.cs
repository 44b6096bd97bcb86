using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace StudyBot.Bench;

// A fresh temporary folder per run holding the bot's SQLite file; the bench reads it (and seeds it
// while the bot is stopped) with its own unpooled connections, so nothing holds the file afterwards.
internal sealed class BenchDatabase : IDisposable
{
    private const string InstantFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    private BenchDatabase(string folder)
    {
        Folder = folder;
        FilePath = Path.Combine(folder, "bench.db");
    }

    public string Folder { get; }
    public string FilePath { get; }

    public static BenchDatabase Create() => new(Directory.CreateTempSubdirectory("studybot-bench-").FullName);

    // The bot creates its schema at start-up; learners are written straight into it, in one
    // transaction per `perTransaction` rows through one prepared statement (Dapper's per-row
    // execute would spend more time binding than SQLite spends inserting).
    /// <returns>Seconds the inserts took.</returns>
    public double SeedLearners(int count, DateTime? nextDeliveryUtc, string deliveryTime = "08:00", int perTransaction = 50_000)
    {
        var started = Stopwatch.GetTimestamp();
        var now = DateTime.UtcNow.ToString(InstantFormat, CultureInfo.InvariantCulture);
        var next = nextDeliveryUtc?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        using var connection = Open(readOnly: false);
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

    // A read-only connection: WAL lets it read while the bot writes.
    public long Count(string sql)
    {
        using var connection = Open(readOnly: true);
        return connection.ExecuteScalar<long>(sql);
    }

    public T? Scalar<T>(string sql)
    {
        using var connection = Open(readOnly: true);
        return connection.ExecuteScalar<T>(sql);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException e)
        {
            Console.WriteLine($"  (could not delete {Folder}: {e.Message})");
        }
    }

    private SqliteConnection Open(bool readOnly)
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

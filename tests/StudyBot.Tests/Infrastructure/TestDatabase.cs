using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace StudyBot.Tests.Infrastructure;

// Direct reads of the bot's database, so tests check what was stored, not only what was said.
public sealed class TestDatabase(string connectionString)
{
    // The bot declares its handlers to Dapper.AOT at build time; the tests' own reads go through
    // plain Dapper, which learns them here.
    static TestDatabase()
    {
        SqlMapper.AddTypeHandler(new StudyBot.Data.UtcDateTimeHandler());
        SqlMapper.AddTypeHandler(new StudyBot.Data.DateOnlyHandler());
    }

    // Text of a date or instant column that reads the same on both engines ('2026-12-07',
    // '2026-12-07 21:30:00'): SQLite stores that text, PostgreSQL prints a date or timestamptz so.
    public static string AsText(string column, int length = 19) => $"substr(CAST({column} AS TEXT), 1, {length})";

    private DbConnection Connect() => TestWorld.OnPostgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = Connect();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = Connect();
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    public async Task<int> ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = Connect();
        return await connection.ExecuteAsync(sql, parameters);
    }

    // Active learners without a scheduled delivery, written directly: for tests about bulk sending.
    public async Task SeedLearnersAsync(IEnumerable<long> chatIds, string status = "active")
    {
        await using var connection = Connect();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO learners (chat_id, display_name, language, time_zone, delivery_time, status, next_delivery_utc, subscribed_utc, updated_utc)
            VALUES (@ChatId, 'Learner', 'zh-CN', 'Asia/Shanghai', '08:00', @Status, NULL, '2026-12-01 00:00:00', '2026-12-01 00:00:00')
            """,
            chatIds.Select(id => new { ChatId = id, Status = status }),
            transaction);
        await transaction.CommitAsync();
    }

    public Task<long> CountAsync(string table, string where = "1 = 1", object? parameters = null) =>
        ScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE {where}", parameters);
}

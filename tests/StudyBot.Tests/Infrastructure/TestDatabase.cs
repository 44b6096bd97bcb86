using Dapper;
using Microsoft.Data.Sqlite;

namespace StudyBot.Tests.Infrastructure;

// Direct reads of the bot's database, so tests check what was stored, not only what was said.
public sealed class TestDatabase(string path)
{
    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    public async Task<int> ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        return await connection.ExecuteAsync(sql, parameters);
    }

    // Active learners without a scheduled delivery, written directly: for tests about bulk sending.
    public async Task SeedLearnersAsync(IEnumerable<long> chatIds, string status = "active")
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
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

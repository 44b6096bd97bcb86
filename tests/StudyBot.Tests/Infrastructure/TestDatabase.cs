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

    public Task<long> CountAsync(string table, string where = "1 = 1", object? parameters = null) =>
        ScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE {where}", parameters);
}

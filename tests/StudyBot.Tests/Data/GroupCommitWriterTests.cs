using Dapper;
using Npgsql;
using StudyBot.Data;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Data;

// The writer runs a unit again after a deadlock or a serialization failure (another instance's
// writer, on PostgreSQL): nothing of it was committed, and the caller should not see a failure
// a second try would not have.
public sealed class GroupCommitWriterTests
{
    private const string ProbeSql = "INSERT INTO audit (user_id, at_utc, action, details) VALUES (1, '2026-12-07T00:00:00Z', 'probe', @Details)";

    [Fact]
    public async Task A_write_alone_in_its_batch_is_run_again_after_a_deadlock_and_commits_once()
    {
        await using var world = await TestWorld.StartAsync();
        var database = world.Get<Database>();
        var runs = 0;

        var written = await database.WriteAsync(async (connection, transaction) =>
        {
            runs++;
            await connection.ExecuteAsync(ProbeSql, new { Details = $"run {runs}" }, transaction);
            if (runs == 1)
            {
                throw new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected);
            }

            return runs;
        }, CancellationToken.None);

        Assert.Equal(2, written);
        var stored = await world.Db.QueryAsync<string>("SELECT details FROM audit WHERE action = 'probe'");
        Assert.Equal(["run 2"], stored);
    }

    [Fact]
    public async Task A_write_that_fails_for_another_reason_is_not_run_again_and_leaves_nothing()
    {
        await using var world = await TestWorld.StartAsync();
        var database = world.Get<Database>();
        var runs = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.WriteAsync(async (connection, transaction) =>
        {
            runs++;
            await connection.ExecuteAsync(ProbeSql, new { Details = "x" }, transaction);
            throw new InvalidOperationException("not a conflict");
        }, CancellationToken.None));

        Assert.Equal(1, runs);
        Assert.Equal(0, await world.Db.CountAsync("audit", "action = 'probe'"));
    }
}

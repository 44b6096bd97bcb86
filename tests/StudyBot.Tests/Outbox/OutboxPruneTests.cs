using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Outbox;

public sealed class OutboxPruneTests
{
    private const long Admin = TestWorld.AdminId;

    [Fact]
    public async Task A_finished_broadcast_keeps_its_final_counts_in_its_own_row()
    {
        await using var world = await TestWorld.StartAsync();
        await world.Db.SeedLearnersAsync([1, 2, 3, 4, 5]);
        world.Api.BlockChat(4);
        world.Api.FailNextFor(5, 1, 400, "Bad Request: message is too long");

        world.Api.UserSends(Admin, "/broadcast Notice");
        await world.Api.WaitForNthMessageAsync(Admin, 2);
        var preview = world.Api.SentTo(Admin)[1];
        world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[0].Data, fromId: Admin);
        var report = await world.Api.WaitUntilAsync(() => world.Api.SentTo(Admin).FirstOrDefault(m => m.Text.Contains("已完成", StringComparison.Ordinal)), TimeSpan.FromSeconds(20));
        Assert.Contains("送达 3，已屏蔽 1，失败 1（共 5）", report.Text);

        Assert.Equal(
            ("done", 5L, 3L, 1L, 1L),
            Assert.Single(await world.Db.QueryAsync<(string, long, long, long, long)>("SELECT status, total, delivered, blocked, failed FROM broadcasts")));
    }

    [Fact]
    public async Task A_broadcast_finished_before_the_upgrade_gets_its_counts_from_its_rows()
    {
        await using var world = await TestWorld.StartAsync();
        await world.StopBotAsync();
        var now = world.Clock.GetUtcNow().UtcDateTime;
        var done = await world.Db.ScalarAsync<long>(
            "INSERT INTO broadcasts (admin_chat_id, admin_user_id, language, text, status, total, created_utc) VALUES (@Admin, @Admin, 'zh-CN', 'Notice', 'done', 4, @Now) RETURNING id",
            new { Admin, Now = now });
        await AddAsync(world, 1, "sent", now, done);
        await AddAsync(world, 2, "sent", now, done);
        await AddAsync(world, 3, "unreachable", now, done);
        await AddAsync(world, 4, "failed", now, done);

        // The schema as it was before 0008.
        await world.Db.ExecuteAsync("DROP INDEX ix_outbox_created");
        foreach (var column in new[] { "delivered", "blocked", "failed" })
        {
            await world.Db.ExecuteAsync($"ALTER TABLE broadcasts DROP COLUMN {column}");
        }

        await world.Db.ExecuteAsync("DELETE FROM schema_migrations WHERE version = 8");
        await world.StartBotAsync();

        Assert.Equal((2L, 1L, 1L), Assert.Single(await world.Db.QueryAsync<(long, long, long)>("SELECT delivered, blocked, failed FROM broadcasts")));
    }

    private static Task<int> AddAsync(TestWorld world, long chatId, string status, DateTime createdUtc, long? broadcastId = null) =>
        world.Db.ExecuteAsync(
            """
            INSERT INTO outbox (chat_id, kind, priority, text, broadcast_id, status, attempts, created_utc)
            VALUES (@ChatId, @Kind, 1, 'text', @BroadcastId, @Status, 1, @CreatedUtc)
            """,
            new { ChatId = chatId, Kind = broadcastId is null ? "reminder" : "broadcast", BroadcastId = broadcastId, Status = status, CreatedUtc = createdUtc });
}

using Microsoft.Extensions.DependencyInjection;
using Quartz;
using StudyBot.Outbox;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Outbox;

public sealed class OutboxPruneTests
{
    private const long Admin = TestWorld.AdminId;

    [Fact]
    public async Task Only_rows_sent_failed_or_unreachable_more_than_30_days_ago_go_in_batches_and_the_count_is_logged()
    {
        await using var world = await TestWorld.StartAsync();
        var scheduler = await world.Get<ISchedulerFactory>().GetScheduler();
        var trigger = Assert.IsAssignableFrom<ISimpleTrigger>(Assert.Single(await scheduler.GetTriggersOfJob(OutboxPruneJob.Key)));
        Assert.Equal(TimeSpan.FromHours(1), trigger.RepeatInterval);

        // Stopped, the bot sends nothing: the pending row below stays pending.
        await world.StopBotAsync();
        var now = world.Clock.GetUtcNow().UtcDateTime;
        var old = now - TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1);
        var recent = now - TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1);
        var sending = await world.Db.ScalarAsync<long>(
            "INSERT INTO broadcasts (admin_chat_id, admin_user_id, language, text, status, total, created_utc) VALUES (@Admin, @Admin, 'zh-CN', 'Notice', 'sending', 2, @Old) RETURNING id",
            new { Admin, Old = old });
        await AddAsync(world, 1, "sent", old);
        await AddAsync(world, 2, "failed", old);
        await AddAsync(world, 3, "unreachable", old);
        await AddAsync(world, 4, "pending", old);
        await AddAsync(world, 5, "claimed", old);
        foreach (var chat in new long[] { 6, 7, 8, 9 })
        {
            await AddAsync(world, chat, "sent", old);
        }

        await AddAsync(world, 10, "sent", recent);
        await AddAsync(world, 11, "failed", recent);

        // A broadcast still sending counts its rows: they stay until it is done.
        await AddAsync(world, 12, "sent", old, sending);
        await AddAsync(world, 13, "pending", old, sending);

        // One batch is bounded by its limit...
        Assert.Equal(2, await world.Get<OutboxStore>().PruneFinishedAsync(now - OutboxPruneJob.KeepFor, 2, CancellationToken.None));

        // ...and the job goes on, batch after batch, until none is left.
        var job = ActivatorUtilities.CreateInstance<OutboxPruneJob>(world.Bot.Services);
        Assert.Equal(5, await job.PruneAsync(CancellationToken.None, batchSize: 2));

        Assert.Equal(new long[] { 4, 5, 10, 11, 12, 13 }, await ChatsAsync(world));
        Assert.Single(world.Logs.Lines, l => l.Contains("Pruned 5 outbox messages sent, failed or unreachable more than 30 days ago", StringComparison.Ordinal));

        // Two minutes on, the recent two are 30 days old as well.
        world.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(2, await job.PruneAsync(CancellationToken.None));
        Assert.Equal(new long[] { 4, 5, 12, 13 }, await ChatsAsync(world));
        Assert.Equal(0, await job.PruneAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_finished_broadcast_keeps_its_final_counts_after_its_outbox_rows_are_pruned()
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

        world.Clock.Advance(TimeSpan.FromDays(31));
        await ActivatorUtilities.CreateInstance<OutboxPruneJob>(world.Bot.Services).PruneAsync(CancellationToken.None);

        Assert.Equal(0, await world.Db.CountAsync("outbox", "broadcast_id IS NOT NULL"));
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

    private static async Task<long[]> ChatsAsync(TestWorld world) =>
        [.. await world.Db.QueryAsync<long>("SELECT chat_id FROM outbox ORDER BY chat_id")];
}

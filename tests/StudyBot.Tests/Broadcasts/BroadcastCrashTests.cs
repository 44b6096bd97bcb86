using StudyBot.FakeBotApi;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Broadcasts;

public sealed class BroadcastCrashTests
{
    private const long Admin = 900;
    private const int Recipients = 300;

    // Slow: about 20 s (a bot process to start, 300 sends at Telegram's 30 a second).
    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_broadcast_cut_off_by_killing_the_process_is_finished_by_a_new_host_on_the_same_database()
    {
        await using var world = await TestWorld.CreateAsync();
        world.Settings["Telegram:EnforceLimits"] = "true";
        await world.StartBotAsync();
        await world.Db.SeedLearnersAsync(Enumerable.Range(1, Recipients).Select(i => (long)i));
        await world.StopBotAsync();
        world.Api.Limits = new FakeLimits();

        using (var bot = new BotProcess(world, "bot"))
        {
            world.Api.UserSends(Admin, "/broadcast 周五的讲座改到周六上午九点。");

            // A process started beside a busy test run can take a while to come up.
            var preview = await world.Api.WaitForNthMessageAsync(Admin, 2, TimeSpan.FromSeconds(90));
            world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[0].Data, fromId: Admin);

            // Kill it hard in the middle of sending: no shutdown code runs.
            await world.Api.WaitUntilAsync(() => world.Api.SentCountByChat().Count(c => c.Key <= Recipients) >= 60 ? "" : null, TimeSpan.FromSeconds(60));
            bot.Kill();
        }

        var beforeRestart = world.Api.SentCountByChat().Count(c => c.Key <= Recipients);
        Assert.InRange(beforeRestart, 60, Recipients - 1);

        // Restarted at once: the new sender itself must keep clear of the dead one's last second.
        await world.StartBotAsync();
        var report = await world.Api.WaitUntilAsync(() => world.Api.SentTo(Admin).FirstOrDefault(m => m.Text.Contains("已完成", StringComparison.Ordinal)), TimeSpan.FromSeconds(60));

        var counts = world.Api.SentCountByChat().Where(c => c.Key <= Recipients).ToList();
        Assert.Equal(Recipients, counts.Count);
        var twice = counts.Count(c => c.Value > 1);

        // Only a request in flight at the instant of the kill can repeat. With the limits on and a
        // prompt fake that is normally none or one (a send every 34 ms, answered in 1-2 ms); the
        // bound that holds on a loaded machine too is the sender's concurrency.
        Assert.InRange(twice, 0, StudyBot.Outbox.OutboxSender.Concurrency);
        Assert.Equal(0, world.Api.GlobalLimitHits + world.Api.ChatLimitHits);
        Assert.Contains($"送达 {Recipients}，已屏蔽 0，失败 0（共 {Recipients}）", report.Text);
    }
}

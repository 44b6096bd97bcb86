using Microsoft.Extensions.DependencyInjection;
using StudyBot.Telegram.Receiving;
using StudyBot.Telegram.Routing;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Telegram.Receiving;

public sealed class ReplayTests
{
    [Fact]
    public async Task A_long_backlog_is_replayed_a_page_at_a_time_as_the_lanes_make_room()
    {
        const int Backlog = 600;
        await using var world = await TestWorld.StartAsync();
        await world.StopBotAsync();

        // What a long outage leaves: one update from each of many chats, none of them handled.
        await world.Db.ExecuteAsync(
            $$$"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {{{Backlog}}})
            INSERT INTO inbound_updates (update_id, chat_id, payload, received_utc)
            SELECT 50000 + i, i,
                   '{"update_id":' || (50000 + i) || ',"message":{"message_id":' || i || ',"date":1796608800,"chat":{"id":' || i || ',"type":"private"},"text":"/hold"}}',
                   '2026-12-07 02:00:00'
            FROM n
            """);

        // Every update is a command that waits for the test, so what the replay has queued stays in flight.
        var held = new HeldCommand();
        world.ExtraServices.Add(services => services.AddSingleton<IBotCommand>(held));
        await world.StartBotAsync();
        var lanes = world.Get<ChatLanes>();
        await TestWorld.EventuallyAsync(() => Task.FromResult(held.Waiting >= 50), "the replay fills the lanes");
        Assert.InRange(lanes.InFlight, 1, ChatLanes.MaxInFlight);

        held.Release();
        await TestWorld.EventuallyAsync(
            async () => await world.Db.CountAsync("inbound_updates", "handled_utc IS NULL") == 0,
            "the whole backlog is handled",
            TimeSpan.FromSeconds(60));
        Assert.Equal(Backlog, held.Handled);
    }

    // Four bot processes started one after the other.
    [Fact]
    [Trait("Category", "Slow")]
    public async Task An_update_the_process_dies_handling_three_times_is_set_aside_and_the_fourth_start_serves()
    {
        await using var world = await TestWorld.CreateAsync();

        // A first host only migrates the database, which the test reads from the start.
        await world.StartBotAsync();
        await world.StopBotAsync();

        // The process dies in the middle of handling the first /export (a handler that waits for its
        // file to be sent): the file is held at the fake and the process killed there, at every
        // start. Another chat's /export is beside it the first time.
        foreach (var chat in new long[] { 42, 43 })
        {
            await world.Db.AddLearnerAsync(chat, $"Learner {chat}");
            await world.Db.AddReflectionAsync(chat, await world.Db.AddDeliveryAsync(chat, "2026-12-06"));
        }

        world.Api.HoldSendsTo([42, 43]);
        world.Api.UserSends(42, "/export");
        var poisoned = world.Api.AllUpdates[^1].Id;
        world.Api.UserSends(43, "/export");
        var beside = world.Api.AllUpdates[^1].Id;

        for (var start = 1; start <= 3; start++)
        {
            using var bot = new BotProcess(world, $"bot{start}");
            var expected = start;
            await TestWorld.EventuallyAsync(
                async () => await AttemptsAsync(world, poisoned) == expected && world.Api.SendsHeld(42) == 1 && (expected > 1 || world.Api.SendsHeld(43) == 1),
                $"start {start} is handling the poisoned update",
                TimeSpan.FromSeconds(90));
            bot.Kill();
            await world.Api.WaitUntilAsync(() => world.Api.SendsHeld() == 0 ? "" : null, TimeSpan.FromSeconds(30));
        }

        // After the first death the update beside it ran no more: the suspect went alone.
        Assert.Equal(1, await AttemptsAsync(world, beside));

        world.Api.ReleaseSends();
        using var fourth = new BotProcess(world, "bot4");
        var notice = await world.Api.WaitForMessageAsync(TestWorld.AdminId, timeout: TimeSpan.FromSeconds(90));
        Assert.Contains(poisoned.ToString(System.Globalization.CultureInfo.InvariantCulture), notice.Text);
        await world.Api.WaitForMessageAsync(43, m => m.Method == "sendDocument", timeout: TimeSpan.FromSeconds(30));

        world.Api.UserSends(44, "/start");
        var welcome = await world.Api.WaitForMessageAsync(44, timeout: TimeSpan.FromSeconds(30));
        Assert.Contains("08:00", welcome.Text);

        Assert.Equal(1, await world.Db.CountAsync("inbound_updates", $"update_id = {poisoned} AND failed_utc IS NOT NULL AND attempts = 3"));
        await TestWorld.EventuallyAsync(
            async () => await world.Db.CountAsync("inbound_updates", $"update_id = {beside} AND handled_utc IS NOT NULL") == 1,
            "the update beside it is marked handled");
        Assert.Single(world.Api.SentTo(TestWorld.AdminId));
    }

    private static Task<long> AttemptsAsync(TestWorld world, long updateId) =>
        world.Db.ScalarAsync<long>($"SELECT attempts FROM inbound_updates WHERE update_id = {updateId}");
}

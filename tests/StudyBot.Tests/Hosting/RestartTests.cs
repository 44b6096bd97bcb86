using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Hosting;

public sealed class RestartTests
{
    [Fact]
    public async Task A_new_host_on_the_same_database_keeps_everything_and_resends_nothing()
    {
        await using var world = await TestWorld.StartAsync(new DateTimeOffset(2026, 12, 6, 22, 0, 0, TimeSpan.Zero));
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/time 07:30");
        var prompt = await learner.SendAsync("/today");
        await learner.SendAsync("Kept across restarts", replyTo: prompt.MessageId);
        var received = learner.Received;

        await world.StopBotAsync();
        await world.StartBotAsync();
        await world.AdvanceToAsync(new DateTimeOffset(2026, 12, 7, 1, 0, 0, TimeSpan.Zero));

        await learner.AssertNothingMoreAsync(received);
        Assert.Equal(("07:30", "active"), Assert.Single(await world.Db.QueryAsync<(string, string)>("SELECT delivery_time, status FROM learners")));
        Assert.Equal("Kept across restarts", await world.Db.ScalarAsync<string>("SELECT text FROM reflections"));
        Assert.Equal(1, await world.Db.CountAsync("deliveries"));

        var history = await learner.SendAsync("/history");
        Assert.Contains("Kept across restarts", history.Text);
    }

    [Fact]
    public async Task Updates_stored_but_not_handled_before_a_crash_are_handled_after_restart()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        var prompt = await learner.SendAsync("/today");
        await world.StopBotAsync();

        // The state a crash leaves: the update is in the inbox, its offset confirmed, not handled.
        var update = world.Api.UserSends(42, "Written just before the crash", prompt.MessageId);
        var payload = System.Text.Json.JsonSerializer.Serialize(
            new global::Telegram.Bot.Types.Update { Id = 99999, Message = update }, global::Telegram.Bot.JsonBotAPI.Options);
        await world.Db.ExecuteAsync(
            "INSERT INTO inbound_updates (update_id, chat_id, payload, received_utc) VALUES (99999, 42, @Payload, '2026-12-07 02:00:00')",
            new { Payload = payload });

        await world.StartBotAsync();

        await learner.NextAsync(3);
        Assert.Equal(1, await world.Db.CountAsync("reflections", "text = 'Written just before the crash'"));
        Assert.Equal(0, await world.Db.CountAsync("inbound_updates", "handled_utc IS NULL AND update_id = 99999"));
    }
}

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

        // The state a crash leaves: the update is in the inbox, its offset confirmed (so Telegram does
        // not hand it out again: it is built here, not sent through the fake), not handled.
        var update = new global::Telegram.Bot.Types.Update
        {
            Id = 99999,
            Message = new global::Telegram.Bot.Types.Message
            {
                Id = 9001,
                Chat = new global::Telegram.Bot.Types.Chat { Id = 42, Type = global::Telegram.Bot.Types.Enums.ChatType.Private, FirstName = "Learner" },
                From = new global::Telegram.Bot.Types.User { Id = 42, FirstName = "Learner", LanguageCode = "en" },
                Date = DateTime.UtcNow,
                Text = "Written just before the crash",
                ReplyToMessage = new global::Telegram.Bot.Types.Message { Id = prompt.MessageId, Chat = new global::Telegram.Bot.Types.Chat { Id = 42, Type = global::Telegram.Bot.Types.Enums.ChatType.Private } },
            },
        };
        var payload = System.Text.Json.JsonSerializer.Serialize(update, global::Telegram.Bot.JsonBotAPI.Options);
        await world.Db.ExecuteAsync(
            "INSERT INTO inbound_updates (update_id, chat_id, payload, received_utc) VALUES (99999, 42, @Payload, '2026-12-07 02:00:00')",
            new { Payload = payload });

        await world.StartBotAsync();

        var confirmation = await learner.NextAsync(2);
        Assert.StartsWith("已保存你的感想", confirmation.Text, StringComparison.Ordinal);
        Assert.Equal(1, await world.Db.CountAsync("reflections", "text = 'Written just before the crash'"));

        // The handled mark is written after the reply, in the next group of marks.
        await TestWorld.EventuallyAsync(
            async () => await world.Db.CountAsync("inbound_updates", "handled_utc IS NULL AND update_id = 99999") == 0,
            "the replayed update is marked handled");
        await learner.AssertNothingMoreAsync(3);
    }
}

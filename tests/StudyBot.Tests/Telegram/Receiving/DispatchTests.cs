using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Telegram.Receiving;

public sealed class DispatchTests
{
    [Fact]
    public async Task Different_chats_are_handled_at_once_and_each_chats_updates_in_order()
    {
        await using var world = await TestWorld.StartAsync();
        var chats = Enumerable.Range(1, 20).Select(id => world.Learner(id)).ToList();
        foreach (var chat in chats)
        {
            await chat.SendAsync("/start");
            await chat.SendAsync("/today");
        }

        world.Api.ResponseDelay = TimeSpan.FromMilliseconds(200);
        var sentIds = new Dictionary<long, List<int>>();
        for (var i = 1; i <= 3; i++)
        {
            foreach (var chat in chats)
            {
                var message = world.Api.UserSends(chat.ChatId, $"Reflection {i} of chat {chat.ChatId}");
                (sentIds.TryGetValue(chat.ChatId, out var ids) ? ids : sentIds[chat.ChatId] = []).Add(message.Id);
            }
        }

        foreach (var chat in chats)
        {
            await world.Api.WaitForNthMessageAsync(chat.ChatId, 5, TimeSpan.FromSeconds(30));
        }

        // A one-at-a-time bot would never have two sends open at once.
        Assert.True(world.Api.MaxConcurrentSends >= 10, $"at most {world.Api.MaxConcurrentSends} sends at once");
        foreach (var chat in chats)
        {
            var confirmations = world.Api.SentTo(chat.ChatId).Skip(2).Select(m => m.ReplyToMessageId).ToList();
            Assert.Equal(sentIds[chat.ChatId].Cast<int?>(), confirmations);
        }

        Assert.Equal(60, await world.Db.CountAsync("reflections"));
    }

    [Fact]
    public async Task The_Quartz_sweep_delivers_without_being_called()
    {
        await using var world = await TestWorld.StartAsync(settings: s => s["Bot:SweepIntervalSeconds"] = "1");
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        // Second by second up to the learner's 08:00 (00:00 UTC), as a real clock moves: Quartz reads
        // the host's clock too, and a clustered store takes a day-long jump for a crashed node.
        world.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 7, 23, 59, 57, TimeSpan.Zero));
        var prompt = await world.Api.WaitUntilAsync(() =>
        {
            world.Clock.Advance(TimeSpan.FromSeconds(1));
            return world.Api.SentTo(42).Skip(1).FirstOrDefault();
        }, TimeSpan.FromSeconds(30));
        Assert.Contains("思考", prompt.Text);
    }
}

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
    public async Task A_chats_texts_are_saved_at_once_and_confirmed_in_order_at_telegrams_pace()
    {
        // One worker and Telegram's one message a second per chat: a worker that waited for each
        // confirmation's second would hold the five texts four seconds.
        await using var world = await TestWorld.StartAsync(settings: s =>
        {
            s["Telegram:EnforceLimits"] = "true";
            s["Bot:UpdateConcurrency"] = "1";
        });
        await world.Db.AddLearnerAsync(5, "Learner 5");
        await world.Db.AddDeliveryAsync(5, "2026-12-07");
        var sent = Enumerable.Range(1, 5).Select(i => world.Api.UserSends(5, $"thought {i}").Id).ToList();

        await TestWorld.EventuallyAsync(async () => await world.Db.CountAsync("inbound_updates", "handled_utc IS NOT NULL") == 5, "the five texts are handled");
        Assert.Equal(5, await world.Db.CountAsync("reflections", "chat_id = 5"));
        Assert.True(world.Api.SentTo(5).Count < 5, "the texts were handled only as fast as their confirmations could be sent");

        await world.UpdatesHandledAsync();
        Assert.Equal(sent.Cast<int?>(), world.Api.SentTo(5).Select(m => m.ReplyToMessageId));
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

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.FakeBotApi;
using StudyBot.Telegram.Receiving;
using StudyBot.Telegram.Routing;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Telegram.Receiving;

// One learner forwarding hundreds of messages at once, under Telegram's limits: the others are
// answered as if he were not there, nothing he sent is lost, and bulk sends go on. It compares two
// timings, so it runs alone, not beside other test classes competing for the same two cores.
[Collection(nameof(FloodTests))]
public sealed class FloodTests
{
    private const long Flooder = 7;
    private const int FloodSize = 500;

    // 100..149: with chats spread over lanes by id, 135 would share the flooder's lane.
    private static readonly long[] Others = [.. Enumerable.Range(100, 50).Select(i => (long)i)];

    [Fact]
    public async Task One_chat_sending_500_messages_leaves_the_others_answered_on_time_and_every_message_saved()
    {
        await using var world = await TestWorld.StartAsync(settings: s => s["Telegram:EnforceLimits"] = "true");
        world.Api.Limits = new FakeLimits();
        foreach (var chat in Others.Prepend(Flooder))
        {
            await world.Db.AddLearnerAsync(chat, $"Learner {chat}");
            await world.Db.AddDeliveryAsync(chat, "2026-12-07");
        }

        var quiet = await TimeToAnswerEveryoneAsync(world, "quiet");

        var last = 0;
        for (var i = 1; i <= FloodSize; i++)
        {
            last = world.Api.UserSends(Flooder, $"forwarded {i}").Id;
        }

        var flooded = await TimeToAnswerEveryoneAsync(world, "flooded");

        // The bound the issue names is the quiet time plus a second; CI runs the PostgreSQL suite on
        // the same two cores meanwhile, so the test allows twice the quiet time plus a second. The
        // figure itself is the bench's (flood: p99 within 20 %). Behind the flood, the old shared
        // lanes answered nobody within two minutes.
        Assert.True(flooded <= 2 * quiet + TimeSpan.FromSeconds(1), $"answered in {flooded.TotalSeconds:F1} s with the flood, {quiet.TotalSeconds:F1} s without");

        // Bulk sends still go out while the flood is being worked through: a broadcast reaches everyone.
        // The draft comes as the notice itself, then the preview with its buttons.
        world.Api.UserSends(TestWorld.AdminId, "/broadcast Notice");
        var preview = await world.Api.WaitForNthMessageAsync(TestWorld.AdminId, 2);
        world.Api.UserPresses(TestWorld.AdminId, preview.MessageId, preview.Buttons[0].Data, fromId: TestWorld.AdminId);
        await world.Api.WaitUntilAsync(() => Others.All(c => world.Api.SentTo(c).Any(m => m.Text == "Notice")) ? "" : null, TimeSpan.FromSeconds(30));

        // Every message of the flood is saved, and confirmed in a few messages, not one by one.
        await TestWorld.EventuallyAsync(async () => await world.Db.CountAsync("reflections", $"chat_id = {Flooder}") == FloodSize, "the flood is saved", TimeSpan.FromSeconds(60));
        await world.Api.WaitUntilAsync(() => world.Api.SentTo(Flooder).LastOrDefault(m => m.ReplyToMessageId == last), TimeSpan.FromSeconds(60));
        Assert.InRange(world.Api.SentTo(Flooder).Count, 1, 20);
        Assert.Equal(0, world.Api.GlobalLimitHits + world.Api.ChatLimitHits);
    }

    // Each of the others sends one reflection; the time until every one of them has its confirmation.
    private static async Task<TimeSpan> TimeToAnswerEveryoneAsync(TestWorld world, string round)
    {
        var before = Others.ToDictionary(c => c, c => world.Api.SentTo(c).Count);
        var clock = Stopwatch.StartNew();
        foreach (var chat in Others)
        {
            world.Api.UserSends(chat, $"{round} reflection of {chat}");
        }

        await world.Api.WaitUntilAsync(() => Others.All(c => world.Api.SentTo(c).Count > before[c]) ? "" : null, TimeSpan.FromSeconds(120));
        return clock.Elapsed;
    }
}

public sealed class ChatQueueOverflowTests
{
    [Fact]
    public async Task Updates_beyond_a_chats_queue_wait_in_the_inbox_and_are_all_handled_in_order()
    {
        const int Texts = ChatLanes.MaxQueuedPerChat + 150;
        await using var world = await TestWorld.CreateAsync();
        var held = new HeldCommand();
        world.ExtraServices.Add(services => services.AddSingleton<IBotCommand>(held));
        await world.StartBotAsync();
        await world.Db.AddLearnerAsync(5, "Learner 5");
        await world.Db.AddDeliveryAsync(5, "2026-12-07");

        // The chat's worker waits on /hold while the texts pile up behind it.
        world.Api.UserSends(5, "/hold");
        await TestWorld.EventuallyAsync(() => Task.FromResult(held.Waiting == 1), "the chat is held");
        for (var i = 1; i <= Texts; i++)
        {
            world.Api.UserSends(5, $"text {i:0000}");
        }

        await TestWorld.EventuallyAsync(() => Task.FromResult(world.Logs.Lines.Any(l => l.Contains("Chat 5 has 1000 updates queued", StringComparison.Ordinal))), "the chat's queue is full");
        await TestWorld.EventuallyAsync(async () => await world.Db.CountAsync("inbound_updates") == Texts + 1, "every text is stored");

        held.Release();
        await world.UpdatesHandledAsync(timeout: TimeSpan.FromSeconds(60));
        var saved = await world.Db.QueryAsync<string>("SELECT text FROM reflections WHERE chat_id = 5 ORDER BY message_id");
        Assert.Equal(Enumerable.Range(1, Texts).Select(i => $"text {i:0000}"), saved);
    }
}

[CollectionDefinition(nameof(FloodTests), DisableParallelization = true)]
public sealed class FloodTestsRunAlone;

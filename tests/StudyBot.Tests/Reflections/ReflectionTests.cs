using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Reflections;

public sealed class ReflectionTests
{
    private static async Task<(TestWorld World, TestLearner Learner, int PromptId)> SubscribedWithTodayAsync()
    {
        var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        var prompt = await learner.SendAsync("/today");
        return (world, learner, prompt.MessageId);
    }

    [Fact]
    public async Task A_reply_to_the_prompt_is_saved_on_that_prompt_and_confirmed_once()
    {
        var (world, learner, promptId) = await SubscribedWithTodayAsync();
        await using var _ = world;

        var confirmation = await learner.SendAsync("今天我认真倾听了一位同事的意见。", replyTo: promptId);

        Assert.Contains("已保存", confirmation.Text);
        await learner.AssertNothingMoreAsync(3);
        var saved = await world.Db.QueryAsync<(string Text, long DeliveryId)>("SELECT text, delivery_id FROM reflections");
        Assert.Equal("今天我认真倾听了一位同事的意见。", Assert.Single(saved).Text);
        Assert.Equal(await world.Db.ScalarAsync<long>("SELECT id FROM deliveries WHERE message_id = @Id", new { Id = promptId }), saved[0].DeliveryId);
    }

    [Fact]
    public async Task Plain_text_without_a_reply_goes_to_the_latest_prompt()
    {
        await using var world = await TestWorld.StartAsync(new DateTimeOffset(2026, 12, 6, 22, 0, 0, TimeSpan.Zero));
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        var first = await learner.SendAsync("/today");
        await world.AdvanceToAsync(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero));
        var second = await learner.NextAsync(2);

        await learner.SendAsync("An answer to the newest prompt");
        await learner.SendAsync("A late answer to the first prompt", replyTo: first.MessageId);

        var rows = await world.Db.QueryAsync<(string Text, string LocalDate)>(
            $"SELECT r.text, {TestDatabase.AsText("d.local_date")} FROM reflections r JOIN deliveries d ON d.id = r.delivery_id ORDER BY r.id");
        Assert.Equal(("An answer to the newest prompt", "2026-12-08"), rows[0]);
        Assert.Equal(("A late answer to the first prompt", "2026-12-07"), rows[1]);
        Assert.NotEqual(first.MessageId, second.MessageId);
    }

    [Fact]
    public async Task An_edited_message_updates_the_saved_reflection_instead_of_adding_one()
    {
        var (world, learner, promptId) = await SubscribedWithTodayAsync();
        await using var _ = world;
        var original = world.Api.UserSends(42, "First draft", promptId);
        await learner.NextAsync(2);

        world.Api.UserEdits(original, "Second, better draft");
        var confirmation = await learner.NextAsync(3);

        Assert.Contains("已更新", confirmation.Text);
        Assert.Equal("Second, better draft", Assert.Single(await world.Db.QueryAsync<string>("SELECT text FROM reflections")));
    }

    [Fact]
    public async Task A_redelivered_update_is_not_saved_twice()
    {
        var (world, learner, promptId) = await SubscribedWithTodayAsync();
        await using var _ = world;
        world.Api.UserSends(42, "Only once, please", promptId);
        await learner.NextAsync(2);
        var update = world.Api.AllUpdates[^1];

        // As after a crash before the offset was confirmed: Telegram hands the same update out again.
        world.Api.Redeliver(update);
        await world.Api.WaitUntilAsync(() => world.Api.AllUpdatesConfirmed ? "" : null);

        await learner.AssertNothingMoreAsync(3);
        Assert.Equal(1, await world.Db.CountAsync("reflections"));
    }

    [Fact]
    public async Task A_message_that_is_no_answer_gets_a_short_explanation_and_changes_nothing()
    {
        var (world, learner, _) = await SubscribedWithTodayAsync();
        await using var __ = world;

        world.Api.UserSendsSticker(42);
        var stickerReply = await learner.NextAsync(2);
        world.Api.SendsDocument(42, "notes.txt", "my notes"u8.ToArray());
        var documentReply = await learner.NextAsync(3);

        Assert.Contains("照片和语音", stickerReply.Text, StringComparison.Ordinal);
        Assert.Equal(stickerReply.Text, documentReply.Text);
        Assert.Equal(0, await world.Db.CountAsync("reflections"));
    }

    [Fact]
    public async Task A_4096_character_reflection_is_kept_whole()
    {
        var (world, learner, promptId) = await SubscribedWithTodayAsync();
        await using var _ = world;
        var text = string.Concat(Enumerable.Repeat("学而时习之，不亦说乎？", 373)) + "结束";
        Assert.Equal(4105, text.Length);
        text = text[..4096];

        await learner.SendAsync(text, replyTo: promptId);

        Assert.Equal(text, await world.Db.ScalarAsync<string>("SELECT text FROM reflections"));
    }

    [Fact]
    public async Task Text_before_any_prompt_says_how_to_get_one()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        var reply = await learner.SendAsync("Hello?");

        Assert.Contains("/today", reply.Text);
        Assert.Equal(0, await world.Db.CountAsync("reflections"));
    }

    [Fact]
    public async Task Text_from_someone_not_subscribed_says_to_start()
    {
        await using var world = await TestWorld.StartAsync();

        var reply = await world.Learner(42).SendAsync("Hello?");

        Assert.Contains("/start", reply.Text);
        Assert.Equal(0, await world.Db.CountAsync("reflections"));
    }
}

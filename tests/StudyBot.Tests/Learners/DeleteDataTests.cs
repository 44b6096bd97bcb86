using StudyBot.Content;
using StudyBot.Delivery;
using StudyBot.FakeBotApi;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Learners;

public sealed class DeleteDataTests
{
    // Monday 2026-12-07 06:00 in Shanghai.
    private static readonly DateTimeOffset MondayMorning = new(2026, 12, 6, 22, 0, 0, TimeSpan.Zero);

    // Every table that has a chat_id column, read from the schema: a table added later is checked too.
    private static Task<IReadOnlyList<string>> TablesWithChatIdAsync(TestWorld world) =>
        world.Db.QueryAsync<string>(TestWorld.OnPostgres
            ? "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'chat_id' ORDER BY table_name"
            : "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c ON c.name = 'chat_id' WHERE m.type = 'table' ORDER BY m.name");

    private static async Task<Dictionary<string, long>> RowsOfAsync(TestWorld world, long chatId)
    {
        var rows = new Dictionary<string, long>();
        foreach (var table in await TablesWithChatIdAsync(world))
        {
            rows[table] = await world.Db.CountAsync(table, "chat_id = @ChatId", new { ChatId = chatId });
        }

        return rows;
    }

    // A learner with a row in every table: settings, deliveries, reflections, outbox, inbox, a digest.
    private static async Task<TestLearner> LearnerWithAWeekAsync(TestWorld world, long chatId)
    {
        var learner = world.Learner(chatId);
        await learner.SendAsync("/start");
        await learner.SendAsync("/language en");
        for (var day = 7; day <= 13; day++)
        {
            await world.AdvanceToAsync(new DateTimeOffset(2026, 12, day, 0, 0, 0, TimeSpan.Zero));
            await learner.SendAsync($"My answer on day {day}.");
        }

        // Sunday 20:00 in Shanghai: the weekly digest.
        await world.AdvanceToAsync(new DateTimeOffset(2026, 12, 13, 12, 0, 0, TimeSpan.Zero));
        return learner;
    }

    private static async Task<SentMessage> AskAsync(TestLearner learner)
    {
        var question = await learner.SendAsync("/deletedata");
        Assert.Equal([("🗑 Delete everything", "dd:ok"), ("✖ Cancel", "dd:no")], question.Buttons);
        return question;
    }

    private static Task<SentMessage> EditedAsync(TestWorld world, SentMessage question) =>
        world.Api.WaitUntilAsync(() => world.Api.SentTo(question.ChatId).Single(m => m.MessageId == question.MessageId) is { Edits.Count: 1 } m ? m : null);

    [Fact]
    public async Task After_confirmation_no_table_holds_a_row_about_the_learner_and_others_keep_theirs()
    {
        await using var world = await TestWorld.StartAsync(MondayMorning);
        await world.Learner(7).SendAsync("/start");
        var learner = await LearnerWithAWeekAsync(world, 42);
        var before = await RowsOfAsync(world, 42);
        foreach (var table in new[] { "learners", "deliveries", "reflections", "outbox", "inbound_updates", "digests" })
        {
            Assert.True(before.GetValueOrDefault(table) > 0, $"the scenario left no row in {table}");
        }

        var othersBefore = await RowsOfAsync(world, 7);
        var question = await AskAsync(learner);
        world.Api.UserPresses(42, question.MessageId, "dd:ok");
        var answer = await EditedAsync(world, question);

        Assert.Equal("Everything stored about you has been deleted. /start subscribes you again.", answer.Text);
        Assert.Empty(answer.Buttons);
        await TestWorld.EventuallyAsync(async () => world.Api.AllUpdatesConfirmed && await world.Db.CountAsync("inbound_updates", "handled_utc IS NULL") == 0, "the button press is handled");
        Assert.All(await RowsOfAsync(world, 42), table => Assert.True(table.Value == 0, $"{table.Key} still has {table.Value} rows of the learner"));
        Assert.Equal(othersBefore, await RowsOfAsync(world, 7));

        // Deleted means gone: no more prompts, and /start is a first subscription again.
        await world.AdvanceToAsync(new DateTimeOffset(2026, 12, 14, 0, 0, 0, TimeSpan.Zero));
        var welcome = await learner.SendAsync("/start");
        Assert.StartsWith("欢迎使用学习助手", welcome.Text);
        Assert.Equal(0, await world.Db.CountAsync("reflections", "chat_id = 42"));
    }

    [Fact]
    public async Task Cancel_deletes_nothing_and_says_so()
    {
        await using var world = await TestWorld.StartAsync(MondayMorning);
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");
        await learner.SendAsync("Keep this one.");
        var question = await learner.SendAsync("/deletedata");
        Assert.Contains("第一个按钮确认删除", question.Text);

        world.Api.UserPresses(42, question.MessageId, question.Buttons[1].Data);
        var answer = await EditedAsync(world, question);

        Assert.Equal("已取消，没有删除任何数据。", answer.Text);
        Assert.Empty(answer.Buttons);
        Assert.Equal(1, await world.Db.CountAsync("learners", "chat_id = 42"));
        Assert.Equal(1, await world.Db.CountAsync("reflections", "chat_id = 42"));
    }

    [Fact]
    public async Task Only_the_chats_own_user_can_press_the_delete_button()
    {
        await using var world = await TestWorld.StartAsync(MondayMorning);
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/language en");
        var question = await AskAsync(learner);

        world.Api.UserPresses(42, question.MessageId, "dd:ok", fromId: 99);
        await TestWorld.EventuallyAsync(() => Task.FromResult(world.Logs.Lines.Any(l => l.Contains("User 99 pressed the delete-data button of chat 42", StringComparison.Ordinal))), "the press is refused");

        Assert.Equal(1, await world.Db.CountAsync("learners", "chat_id = 42"));
        Assert.Empty(world.Api.SentTo(42).Single(m => m.MessageId == question.MessageId).Edits);
    }

    [Fact]
    public async Task A_sweep_that_read_the_learner_before_the_deletion_claims_no_delivery_after_it()
    {
        await using var world = await TestWorld.StartAsync(MondayMorning);
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        var question = await learner.SendAsync("/deletedata");
        world.Api.UserPresses(42, question.MessageId, "dd:ok");
        await EditedAsync(world, question);

        // As a sweep batch listed just before the deletion would: claim for the learner now gone.
        var item = new ContentItem("Theme", "Quote", "Source", "Prompt?", null);
        var claimed = await world.Get<DeliveryStore>().TryClaimNowAsync(42, new DateOnly(2026, 12, 7), item, "text", CancellationToken.None);

        Assert.False(claimed);
        Assert.Equal(0, await world.Db.CountAsync("deliveries", "chat_id = 42"));
        Assert.Equal(0, await world.Db.CountAsync("outbox", "chat_id = 42"));
    }
}

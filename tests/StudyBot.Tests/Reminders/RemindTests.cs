using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Reminders;

public sealed class RemindTests
{
    private const long Admin = 900;

    private static DateTimeOffset Utc(int day, int hour, int minute = 0) => new(2026, 12, day, hour, minute, 0, TimeSpan.Zero);

    private static async Task<TestLearner> WithTodaysPromptAsync(TestWorld world, long chatId)
    {
        var learner = world.Learner(chatId);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");

        // Received means Telegram's answer is recorded (sent_utc), which trails the message itself.
        await world.OutboxDrainedAsync();
        return learner;
    }

    [Fact]
    public async Task Remind_nudges_only_those_who_received_todays_prompt_and_have_not_answered_and_says_how_many()
    {
        // 10:00 in Shanghai on the 6th: learner 6 gets the 6th's prompt and leaves it unanswered.
        await using var world = await TestWorld.StartAsync(Utc(6, 2));
        var yesterdays = world.Learner(6);
        await yesterdays.SendAsync("/start");
        await yesterdays.SendAsync("/today");
        await yesterdays.SendAsync("/time 20:00");
        await world.AdvanceToAsync(Utc(7, 2));

        var answered = await WithTodaysPromptAsync(world, 1);
        var silent = await WithTodaysPromptAsync(world, 2);
        var alsoSilent = await WithTodaysPromptAsync(world, 3);
        var paused = await WithTodaysPromptAsync(world, 4);
        await paused.SendAsync("/pause");
        var noPromptYet = world.Learner(5);
        await noPromptYet.SendAsync("/start");
        await answered.SendAsync("我今天读完了这一章。");

        var reply = await world.Learner(Admin).SendAsync("/remind");

        Assert.Equal("已提醒 2 位还没有回答今天思考题的学员。", reply.Text);
        var prompt = await world.Db.ScalarAsync<string>("SELECT prompt FROM deliveries WHERE chat_id = 2");
        foreach (var learner in new[] { silent, alsoSilent })
        {
            var nudge = await learner.NextAsync(2);
            Assert.StartsWith("⏰", nudge.Text, StringComparison.Ordinal);
            Assert.Contains(prompt, nudge.Text, StringComparison.Ordinal);
        }

        await world.OutboxDrainedAsync();
        Assert.Equal(3, answered.Received);
        Assert.Equal(3, paused.Received);
        Assert.Equal(1, noPromptYet.Received);
        Assert.Equal(3, yesterdays.Received);
        Assert.Equal(new[] { (2L, "reminder", 1L), (3L, "reminder", 1L) }, await world.Db.QueryAsync<(long, string, long)>("SELECT chat_id, kind, priority FROM outbox WHERE kind = 'reminder' ORDER BY chat_id"));

        // Never two reminders for one learner and local day.
        var again = await world.Learner(Admin).SendAsync("/remind");
        Assert.Contains("无需提醒", again.Text, StringComparison.Ordinal);
        await silent.AssertNothingMoreAsync(3);
        Assert.Equal(2, await world.Db.CountAsync("reminders", "source = 'command' AND local_date = '2026-12-07'"));
    }

    [Fact]
    public async Task The_automatic_reminder_comes_at_each_learners_reminder_time_once_and_never_after_a_manual_one()
    {
        await using var world = await TestWorld.StartAsync(settings: s => s["Bot:ReminderTime"] = "20:00");
        var answered = await WithTodaysPromptAsync(world, 1);
        await answered.SendAsync("已回答");
        var remindedByHand = await WithTodaysPromptAsync(world, 2);
        Assert.Contains("1", (await world.Learner(Admin).SendAsync("/remind")).Text, StringComparison.Ordinal);
        await remindedByHand.NextAsync(2);

        var waiting = await WithTodaysPromptAsync(world, 3);
        var late = world.Learner(4);
        await late.SendAsync("/start");
        await late.SendAsync("/time 21:00");
        var inUtc = world.Learner(5);
        await inUtc.SendAsync("/start");
        await inUtc.SendAsync("/timezone UTC");
        await inUtc.SendAsync("/today");
        await world.OutboxDrainedAsync();

        // 19:59 in Shanghai: not yet.
        await world.AdvanceToAsync(Utc(7, 11, 59));
        Assert.Equal(2, waiting.Received);

        // 20:00 in Shanghai: learner 3 is nudged; learner 2 was already, learner 1 answered.
        await world.AdvanceToAsync(Utc(7, 12, 0));
        Assert.StartsWith("⏰", (await waiting.NextAsync(2)).Text, StringComparison.Ordinal);
        await world.AdvanceToAsync(Utc(7, 12, 30));
        Assert.Equal(3, waiting.Received);
        Assert.Equal(3, remindedByHand.Received);
        Assert.Equal(3, answered.Received);

        // Learner 4's prompt comes at 21:00, after the reminder time: no nudge that day.
        await world.AdvanceToAsync(Utc(7, 13, 0));
        await late.NextAsync(2);
        await world.AdvanceToAsync(Utc(7, 15, 59));
        Assert.Equal(3, late.Received);

        // Learner 5 lives in UTC: their 20:00 comes later.
        Assert.Equal(3, inUtc.Received);
        await world.AdvanceToAsync(Utc(7, 20, 0));
        Assert.StartsWith("⏰", (await inUtc.NextAsync(3)).Text, StringComparison.Ordinal);

        Assert.Equal(
            new[] { (2L, "command"), (3L, "scheduled"), (5L, "scheduled") },
            await world.Db.QueryAsync<(long, string)>("SELECT chat_id, source FROM reminders ORDER BY chat_id"));
    }

    [Fact]
    public async Task Without_a_reminder_time_no_automatic_reminder_is_sent()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = await WithTodaysPromptAsync(world, 1);

        await world.AdvanceToAsync(Utc(7, 15, 59));

        Assert.Equal(2, learner.Received);
        Assert.Equal(0, await world.Db.CountAsync("reminders"));
    }
}

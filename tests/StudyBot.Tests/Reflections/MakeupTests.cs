using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Reflections;

// 补卡 in the default group (make-up window 2 days): a learner who joined on 12-03, answered the
// 3rd and the 4th, missed the 5th, and had no prompt on the 6th (the bot was down).
public sealed class MakeupTests
{
    private static async Task<(TestWorld World, TestLearner Learner)> WeekAsync()
    {
        var world = await TestWorld.StartAsync(start: new DateTimeOffset(2026, 12, 3, 2, 0, 0, TimeSpan.Zero));
        var learner = world.Learner(11);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");
        await learner.SendAsync("Answer of the 3rd");
        foreach (var day in new[] { 4, 5, 7 })
        {
            world.Clock.SetUtcNow(new DateTimeOffset(2026, 12, day, 2, 0, 0, TimeSpan.Zero));
            await world.SweepAsync();
            if (day == 4)
            {
                await learner.SendAsync("Answer of the 4th");
            }
        }

        return (world, learner);
    }

    [Fact]
    public async Task A_missed_day_in_the_window_is_offered_answered_as_made_up_and_keeps_the_streak()
    {
        var (world, learner) = await WeekAsync();
        await using var _ = world;

        var missed = await learner.SendAsync("/missed");
        Assert.Equal(["2026-12-05", "2026-12-06"], missed.Buttons.Select(b => b.Text));

        // The 5th: its prompt was delivered, so that item comes again.
        var fifth = await world.Db.ScalarAsync<string>("SELECT quote FROM deliveries WHERE chat_id = 11 AND local_date = '2026-12-05'");
        world.Api.UserPresses(11, missed.MessageId, missed.Buttons[0].Data);
        var item = await world.Api.WaitForMessageAsync(11, m => m.Text.Contains("2026-12-05", StringComparison.Ordinal) && m.Text.Contains(fifth, StringComparison.Ordinal));
        var saved = await learner.SendAsync("Made up the 5th");
        Assert.Contains("已记为 2026-12-05 的补卡", saved.Text, StringComparison.Ordinal);
        Assert.Equal(1, await world.Db.CountAsync("reflections", "text = 'Made up the 5th' AND made_up = 1"));

        // The 6th had no prompt: pressing claims that day's delivery and sends its item.
        world.Api.UserPresses(11, missed.MessageId, missed.Buttons[1].Data);
        await world.Api.WaitForMessageAsync(11, m => m.Text.Contains("补卡 2026-12-06", StringComparison.Ordinal));
        var sixth = await learner.SendAsync("Made up the 6th");
        Assert.Contains("已记为 2026-12-06 的补卡", sixth.Text, StringComparison.Ordinal);
        Assert.Contains("已连续回答 4 天", sixth.Text, StringComparison.Ordinal);
        Assert.Equal(1, await world.Db.CountAsync("deliveries", "chat_id = 11 AND local_date = '2026-12-06'"));

        // The answer after them is today's again, on time.
        var today = await learner.SendAsync("Today's answer");
        Assert.DoesNotContain("补卡", today.Text, StringComparison.Ordinal);
        Assert.Equal(2, await world.Db.CountAsync("reflections", "made_up = 1"));
        Assert.Contains("没有需要补卡", (await learner.SendAsync("/missed")).Text, StringComparison.Ordinal);

        // The summary draft marks the made-up days.
        world.Api.UserSends(11, "/export");
        var markdown = await world.Api.WaitForMessageAsync(11, m => m.FileName?.EndsWith(".md", StringComparison.Ordinal) == true);
        var draft = System.Text.Encoding.UTF8.GetString(markdown.FileContent!);
        Assert.Contains("2026-12-05（补卡）", draft, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-12-04（补卡）", draft, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_day_outside_the_window_or_before_joining_is_refused_and_changes_nothing()
    {
        var (world, learner) = await WeekAsync();
        await using var _ = world;
        var missed = await learner.SendAsync("/missed");

        foreach (var data in new[] { "mu:2026-12-02", "mu:2026-12-04", "mu:2026-12-07", "mu:12/05/2026" })
        {
            var press = world.Api.UserPresses(11, missed.MessageId, data);
            var answer = await world.Api.WaitUntilAsync(() => world.Api.ButtonAnswers.FirstOrDefault(a => a.CallbackQueryId == press));
            Assert.False(string.IsNullOrEmpty(answer.Text));
        }

        await world.UpdatesHandledAsync();
        Assert.Equal(0, await world.Db.CountAsync("learners", "makeup_date IS NOT NULL"));
        Assert.Contains("已连续回答", (await learner.SendAsync("A plain answer")).Text, StringComparison.Ordinal);
        Assert.Equal(0, await world.Db.CountAsync("reflections", "made_up = 1"));

        // A group with make-up off offers nothing.
        await world.Db.ExecuteAsync("UPDATE study_groups SET makeup_days = 0");
        await world.StopBotAsync();
        await world.StartBotAsync();
        Assert.Contains("未开启补卡", (await learner.SendAsync("/missed")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_to_the_make_up_item_answers_that_day_and_a_later_reply_to_an_old_prompt_is_kept_but_not_counted()
    {
        var (world, learner) = await WeekAsync();
        await using var _ = world;
        var missed = await learner.SendAsync("/missed");
        world.Api.UserPresses(11, missed.MessageId, missed.Buttons[0].Data);
        var item = await world.Api.WaitForMessageAsync(11, m => m.Text.Contains("补卡 2026-12-05", StringComparison.Ordinal));

        // Answered as a Telegram reply to the item sent again: still the 5th, and the make-up ends.
        var saved = await learner.SendAsync("Made up by replying", replyTo: item.MessageId);
        Assert.Contains("已记为 2026-12-05 的补卡", saved.Text, StringComparison.Ordinal);
        Assert.Equal(0, await world.Db.CountAsync("learners", "makeup_date IS NOT NULL"));
        var today = await learner.SendAsync("Today's, plainly");
        Assert.DoesNotContain("补卡", today.Text, StringComparison.Ordinal);
        Assert.Equal(1, await world.Db.CountAsync("reflections", "text = 'Today''s, plainly' AND made_up = 0"));

        // A reply to the 3rd's prompt, four days on (the window is two): kept, counted for nothing.
        var third = await world.Db.ScalarAsync<long>("SELECT message_id FROM deliveries WHERE chat_id = 11 AND local_date = '2026-12-03'");
        var late = await learner.SendAsync("A late thought on the 3rd", replyTo: (int)third);
        Assert.DoesNotContain("补卡", late.Text, StringComparison.Ordinal);
        Assert.Equal(1, await world.Db.CountAsync("reflections", "text = 'A late thought on the 3rd' AND made_up = 2"));
    }
}

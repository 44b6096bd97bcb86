using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Reflections;

public sealed class StreakScenarioTests
{
    // 08:00 in Shanghai on a December day = 00:00 UTC.
    private static DateTimeOffset ShanghaiEight(int day) => new(2026, 12, day, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_confirmation_and_history_say_how_many_days_in_a_row_the_learner_answered()
    {
        // Monday 2026-12-07 06:00 in Shanghai.
        await using var world = await TestWorld.StartAsync(new DateTimeOffset(2026, 12, 6, 22, 0, 0, TimeSpan.Zero));
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/language en");
        await learner.SendAsync("/today");

        var first = await learner.SendAsync("Monday's answer");
        Assert.Equal("Saved your reflection (15 characters). Streak: 1 day.", first.Text);

        // A second answer the same day does not lengthen the streak.
        Assert.EndsWith("Streak: 1 day.", (await learner.SendAsync("Another thought on Monday")).Text);

        await world.AdvanceToAsync(ShanghaiEight(8));
        await learner.NextAsync(learner.Received - 1);
        Assert.EndsWith("Streak: 2 days in a row.", (await learner.SendAsync("Tuesday's answer")).Text);

        // Wednesday's prompt arrives; until it is answered the streak still ends yesterday.
        await world.AdvanceToAsync(ShanghaiEight(9));
        await learner.NextAsync(learner.Received - 1);
        var history = await learner.SendAsync("/history");
        Assert.StartsWith("Your reflections: 3 in all, page 1 of 1 (newest first). Streak: 2 days in a row.", history.Text);

        // Wednesday and Thursday go unanswered: Friday's answer starts again at one.
        await world.AdvanceToAsync(ShanghaiEight(10));
        await world.AdvanceToAsync(ShanghaiEight(11));
        await learner.NextAsync(learner.Received - 1);
        Assert.EndsWith("Streak: 1 day.", (await learner.SendAsync("Friday's answer")).Text);
    }

    [Fact]
    public async Task The_streak_is_said_in_chinese_for_a_chinese_learner()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");

        var confirmation = await learner.SendAsync("今天我认真倾听了一位同事的意见。");

        Assert.Equal("已保存你的感想（16 字）。已连续回答 1 天。", confirmation.Text);
        Assert.Contains("已连续回答 1 天。", (await learner.SendAsync("/history")).Text);
    }
}

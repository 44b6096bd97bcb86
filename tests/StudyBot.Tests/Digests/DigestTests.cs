using StudyBot.FakeBotApi;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Digests;

public sealed class DigestTests
{
    // Monday 2026-12-07 06:00 in Shanghai, before the 08:00 slot.
    private static readonly DateTimeOffset MondayMorning = new(2026, 12, 6, 22, 0, 0, TimeSpan.Zero);

    // 08:00 in Shanghai on a December day = 00:00 UTC.
    private static DateTimeOffset ShanghaiEight(int day) => new(2026, 12, day, 0, 0, 0, TimeSpan.Zero);

    // Sunday 20:00 in Shanghai = 12:00 UTC.
    private static DateTimeOffset SundayEvening(int day, int minute = 0) => new(2026, 12, day, 12, minute, 0, TimeSpan.Zero);

    private static async Task<(TestWorld World, TestLearner Learner)> EnglishLearnerAsync()
    {
        var world = await TestWorld.StartAsync(MondayMorning);
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/language en");
        return (world, learner);
    }

    // Daily deliveries from Monday the 7th to Sunday the 13th; answers on the days given.
    private static async Task LiveTheWeekAsync(TestWorld world, TestLearner learner, Dictionary<int, string> answers)
    {
        for (var day = 7; day <= 13; day++)
        {
            await world.AdvanceToAsync(ShanghaiEight(day));
            if (answers.TryGetValue(day, out var answer))
            {
                await learner.SendAsync(answer);
            }
        }
    }

    [Fact]
    public async Task Sunday_at_20_local_the_learner_gets_the_weeks_answered_count_and_longest_reflections_first_line()
    {
        var (world, learner) = await EnglishLearnerAsync();
        await using var _ = world;
        await LiveTheWeekAsync(world, learner, new()
        {
            [7] = "Short one.",
            [9] = "The longest of my week, first line.\nAnd it goes on with a second line that makes it the longest by far.",
            [12] = "Medium length reflection here.",
        });

        await world.AdvanceToAsync(SundayEvening(13).AddMinutes(-1));
        var beforeEight = learner.Received;
        await world.AdvanceToAsync(SundayEvening(13));
        var digest = await learner.NextAsync(beforeEight);

        Assert.Equal(
            "Your week, 2026-12-07 to 2026-12-13: you answered 3 of 7 prompts.\n\n"
            + "Your longest reflection began: “The longest of my week, first line.”\n\n"
            + "/digest off stops these weekly digests.",
            digest.Text);
        Assert.Equal(("digest", 1L), (await world.Db.QueryAsync<(string, long)>("SELECT kind, priority FROM outbox WHERE kind = 'digest'")).Single());
        Assert.Equal(("2026-12-07", 7L, 3L), (await world.Db.QueryAsync<(string, long, long)>($"SELECT {TestDatabase.AsText("week_start")}, delivered, answered FROM digests WHERE chat_id = 42")).Single());

        // Later sweeps that evening send nothing more.
        await world.AdvanceToAsync(SundayEvening(13, minute: 30));
        await learner.AssertNothingMoreAsync(beforeEight + 1);
    }

    [Fact]
    public async Task The_digest_is_in_chinese_for_a_chinese_learner_and_says_zero_answered_without_a_longest_line()
    {
        await using var world = await TestWorld.StartAsync(MondayMorning);
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await LiveTheWeekAsync(world, learner, []);

        var before = learner.Received;
        await world.AdvanceToAsync(SundayEvening(13));
        var digest = await learner.NextAsync(before);

        Assert.Equal("本周（2026-12-07 至 2026-12-13）：你回答了 7 个思考题中的 0 个。\n\n发送 /digest off 可关闭每周周报。", digest.Text);
    }

    [Fact]
    public async Task Digest_off_stops_it_digest_on_brings_it_back_and_a_bad_argument_changes_nothing()
    {
        var (world, learner) = await EnglishLearnerAsync();
        await using var _ = world;

        var usage = await learner.SendAsync("/digest sometimes");
        Assert.Equal("Use /digest on or /digest off (now on). Nothing changed.", usage.Text);
        Assert.Equal(1, await world.Db.ScalarAsync<long>("SELECT digest_enabled FROM learners WHERE chat_id = 42"));

        Assert.Equal("The weekly digest is off. /digest on turns it back on.", (await learner.SendAsync("/digest off")).Text);
        Assert.Equal("Use /digest on or /digest off (now off). Nothing changed.", (await learner.SendAsync("/digest")).Text);
        await LiveTheWeekAsync(world, learner, new() { [8] = "An answer." });
        var before = learner.Received;
        await world.AdvanceToAsync(SundayEvening(13));
        await learner.AssertNothingMoreAsync(before);
        Assert.Equal(0, await world.Db.CountAsync("digests"));

        Assert.Equal("The weekly digest is on: every Sunday at 20:00 your time.", (await learner.SendAsync("/digest on")).Text);
        await world.AdvanceToAsync(ShanghaiEight(14));
        await world.AdvanceToAsync(ShanghaiEight(20));
        before = learner.Received;
        await world.AdvanceToAsync(SundayEvening(20));
        var digest = await learner.NextAsync(before);
        Assert.StartsWith("Your week, 2026-12-14 to 2026-12-20: you answered 0 of 2 prompts.", digest.Text);
    }

    [Fact]
    public async Task A_digest_is_never_sent_twice_for_a_week_across_settings_changes_and_restarts()
    {
        var (world, learner) = await EnglishLearnerAsync();
        await using var _ = world;
        await LiveTheWeekAsync(world, learner, new() { [7] = "An answer." });
        await world.AdvanceToAsync(SundayEvening(13));
        await learner.NextAsync(learner.Received - 1);
        var afterDigest = learner.Received;

        // A settings change plans the digest again; the week's digest is already taken.
        await learner.SendAsync("/time 09:00");
        await world.AdvanceToAsync(SundayEvening(13, minute: 10));
        await world.StopBotAsync();
        await world.StartBotAsync();
        await world.AdvanceToAsync(SundayEvening(13, minute: 20));

        await learner.AssertNothingMoreAsync(afterDigest + 1);
        Assert.Equal(1, await world.Db.CountAsync("digests"));
        Assert.Equal(1, await world.Db.CountAsync("outbox", "kind = 'digest'"));
    }

    [Fact]
    public async Task A_digest_missed_while_down_goes_out_the_same_sunday_evening_but_not_on_monday()
    {
        await using var world = await TestWorld.StartAsync(MondayMorning);
        var sameEvening = world.Learner(1);
        var nextMorning = world.Learner(2);
        await sameEvening.SendAsync("/start");
        await nextMorning.SendAsync("/start");
        await nextMorning.SendAsync("/timezone Europe/London");
        for (var day = 7; day <= 13; day++)
        {
            await world.AdvanceToAsync(ShanghaiEight(day).AddHours(9));
        }

        // Down from Sunday 19:00 Shanghai (11:00 UTC) until 22:00 Shanghai: Shanghai's Sunday is not over.
        await world.AdvanceToAsync(SundayEvening(13).AddHours(-1));
        var londonBefore = nextMorning.Received;
        await world.StopBotAsync();
        world.Clock.SetUtcNow(SundayEvening(13).AddHours(2));
        await world.StartBotAsync();
        await world.SweepAsync();
        Assert.StartsWith("本周（2026-12-07 至 2026-12-13）", (await sameEvening.NextAsync(sameEvening.Received - 1)).Text);

        // London's 20:00 passes while down again; back on Monday London time: that week's digest is skipped.
        await world.StopBotAsync();
        world.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 14, 1, 0, 0, TimeSpan.Zero));
        await world.StartBotAsync();
        await world.SweepAsync();

        Assert.DoesNotContain(world.Api.SentTo(2).Skip(londonBefore), m => m.Text.StartsWith("本周", StringComparison.Ordinal));
        Assert.Equal(0, await world.Db.CountAsync("digests", "chat_id = 2"));
    }

    [Fact]
    public async Task The_scheduled_job_sends_the_digest_without_being_called()
    {
        await using var world = await TestWorld.StartAsync(MondayMorning, s => s["Bot:SweepIntervalSeconds"] = "1");
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");

        // Quartz runs on the same (fake) clock: after a jump it reschedules a misfired trigger on that
        // clock, so the clock keeps moving a second at a time, as a real one would.
        world.Clock.SetUtcNow(SundayEvening(13));
        SentMessage? digest = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (digest is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            world.Clock.Advance(TimeSpan.FromSeconds(1));
            digest = world.Api.SentTo(42).FirstOrDefault(m => m.Text.StartsWith("本周（2026-12-07 至 2026-12-13）", StringComparison.Ordinal));
        }

        Assert.NotNull(digest);
        Assert.Contains("/digest off", digest.Text);
    }
}

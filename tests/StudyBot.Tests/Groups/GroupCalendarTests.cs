using System.Text;
using System.Text.RegularExpressions;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Groups;

// A mon-fri group's course on a fake clock: two weeks from Monday 2026-12-07 to Friday 12-18, with
// Wednesday 12-09 a holiday and Saturday 12-12 a working day (调休).
public sealed class GroupCalendarTests
{
    private const long Organizer = 501;
    private const long InShanghai = 11;
    private const long InNewYork = 12;

    private static readonly string[] CourseDays =
        ["2026-12-07", "2026-12-08", "2026-12-10", "2026-12-11", "2026-12-12", "2026-12-14", "2026-12-15", "2026-12-16", "2026-12-17", "2026-12-18"];

    private static async Task<TestWorld> CourseAsync()
    {
        // Sunday evening before the course, in Shanghai and in New York.
        var world = await TestWorld.StartAsync(start: new DateTimeOffset(2026, 12, 6, 2, 0, 0, TimeSpan.Zero));

        // A pack of twelve items "Q0".."Q11", so each delivery shows its place in the course.
        await world.Db.ExecuteAsync("INSERT INTO packs (name, language, start_date, imported_utc) VALUES ('course', 'zh-CN', '2026-01-01', '2026-12-01 00:00:00')");
        var pack = await world.Db.ScalarAsync<long>("SELECT id FROM packs WHERE name = 'course'");
        for (var i = 0; i < 12; i++)
        {
            await world.Db.ExecuteAsync($"INSERT INTO content_items (pack_id, position, theme, quote, source, prompt) VALUES ({pack}, {i}, 'T', 'Q{i}', 'S', 'P')");
        }

        var created = await world.Learner(TestWorld.AdminId).SendAsync("/newgroup Weekday class");
        await world.Learner(Organizer).SendAsync("/start o_" + Regex.Match(created.Text, "o_([a-z2-7]+)").Groups[1].Value);
        var set = await world.Learner(Organizer).SendAsync("/groupset pack=course start=2026-12-07 end=2026-12-18 days=mon-fri");
        Assert.Contains("days=mon-fri", set.Text, StringComparison.Ordinal);

        var before = world.Api.SentTo(Organizer).Count;
        world.Api.SendsDocument(Organizer, "calendar.csv", Encoding.UTF8.GetBytes("date,kind,note\n2026-12-09,off,Holiday\n2026-12-12,study,\"Make-up, Saturday\"\n"), caption: "/calendar");
        var saved = await world.Api.WaitForNthMessageAsync(Organizer, before + 1);
        Assert.Contains("休息日 1 天，调休学习日 1 天", saved.Text, StringComparison.Ordinal);
        Assert.Equal("Make-up, Saturday", await world.Db.ScalarAsync<string>("SELECT note FROM calendar_days WHERE kind = 'study'"));

        var join = "/start j_" + Regex.Match(created.Text, "j_([a-z2-7]+)").Groups[1].Value;
        await world.Learner(InShanghai).SendAsync(join);
        await world.Learner(InNewYork).SendAsync(join);
        await world.Learner(InNewYork).SendAsync("/timezone America/New_York");
        return world;
    }

    // Every three hours up to the day after the course, a sweep as the schedule runs it.
    private static async Task RunUntilAsync(TestWorld world, DateTimeOffset until)
    {
        while (world.Clock.GetUtcNow() < until)
        {
            world.Clock.Advance(TimeSpan.FromHours(3));
            await world.SweepAsync();
        }
    }

    [Fact]
    public async Task A_mon_fri_group_gets_its_items_on_study_days_only_counted_over_study_days_in_each_members_zone()
    {
        await using var world = await CourseAsync();

        await RunUntilAsync(world, new DateTimeOffset(2026, 12, 21, 12, 0, 0, TimeSpan.Zero));

        foreach (var member in new[] { InShanghai, InNewYork })
        {
            var delivered = await world.Db.QueryAsync<string>($"SELECT {TestDatabase.AsText("local_date", 10)} || ' ' || quote FROM deliveries WHERE chat_id = {member} ORDER BY local_date");
            Assert.Equal(CourseDays.Select((day, i) => $"{day} Q{i}"), delivered);
        }

        // Each prompt went out at the first sweep (every three hours) after the member's own 08:00:
        // 13:00 UTC in New York, 00:00 UTC in Shanghai.
        var newYorkFirst = await world.Db.ScalarAsync<string>($"SELECT {TestDatabase.AsText("sent_utc", 16)} FROM deliveries WHERE chat_id = {InNewYork} ORDER BY local_date LIMIT 1");
        Assert.InRange(string.CompareOrdinal(newYorkFirst, "2026-12-07 13:00"), 0, int.MaxValue);
        Assert.InRange(string.CompareOrdinal(newYorkFirst, "2026-12-07 16:00"), int.MinValue, 0);
        var shanghaiFirst = await world.Db.ScalarAsync<string>($"SELECT {TestDatabase.AsText("sent_utc", 16)} FROM deliveries WHERE chat_id = {InShanghai} ORDER BY local_date LIMIT 1");
        Assert.InRange(string.CompareOrdinal(shanghaiFirst, "2026-12-07 00:00"), 0, int.MaxValue);
        Assert.InRange(string.CompareOrdinal(shanghaiFirst, "2026-12-07 03:00"), int.MinValue, 0);
    }

    [Fact]
    public async Task A_holiday_and_a_weekend_do_not_break_the_streak_and_today_says_when_the_next_study_day_is()
    {
        await using var world = await CourseAsync();
        var learner = world.Learner(InShanghai);

        // Tuesday 12-08 and Thursday 12-10 answered, the holiday between them had no prompt.
        await RunUntilAsync(world, new DateTimeOffset(2026, 12, 8, 3, 0, 0, TimeSpan.Zero));
        await learner.SendAsync("Tuesday's answer");
        await RunUntilAsync(world, new DateTimeOffset(2026, 12, 9, 3, 0, 0, TimeSpan.Zero));
        var holiday = await learner.SendAsync("/today");
        Assert.Contains("2026-12-10", holiday.Text, StringComparison.Ordinal);
        await RunUntilAsync(world, new DateTimeOffset(2026, 12, 10, 3, 0, 0, TimeSpan.Zero));
        var thursday = await learner.SendAsync("Thursday's answer");
        Assert.Contains("已连续回答 2 天", thursday.Text, StringComparison.Ordinal);

        // Friday and the make-up Saturday answered; Sunday is off; Monday's answer makes five.
        foreach (var day in new[] { 11, 12, 14 })
        {
            await RunUntilAsync(world, new DateTimeOffset(2026, 12, day, 3, 0, 0, TimeSpan.Zero));
            var answer = await learner.SendAsync($"Answer of the {day}th");
            Assert.Contains(day == 14 ? "已连续回答 5 天" : "已连续回答", answer.Text, StringComparison.Ordinal);
        }

        Assert.Equal(0, await world.Db.CountAsync("deliveries", "local_date IN ('2026-12-09', '2026-12-13')"));
    }

    [Fact]
    public async Task A_bad_calendar_is_refused_naming_its_line_and_changes_nothing()
    {
        await using var world = await CourseAsync();
        var before = world.Api.SentTo(Organizer).Count;

        world.Api.SendsDocument(Organizer, "calendar.csv", Encoding.UTF8.GetBytes("2026-12-24,off,Eve\n2026-12-25,holiday,Christmas\n"), caption: "/calendar");

        var refused = await world.Api.WaitForNthMessageAsync(Organizer, before + 1);
        Assert.Contains("第 2 行", refused.Text, StringComparison.Ordinal);
        Assert.Contains("holiday", refused.Text, StringComparison.Ordinal);
        Assert.Equal(2, await world.Db.CountAsync("calendar_days"));

        var listed = await world.Learner(Organizer).SendAsync("/calendar");
        Assert.Contains("2026-12-09 off Holiday", listed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_groups_organizer_sends_a_calendar_to_their_own_group_only()
    {
        await using var world = await CourseAsync();
        var created = await world.Learner(TestWorld.AdminId).SendAsync("/newgroup Other class");
        await world.Learner(502).SendAsync("/start o_" + Regex.Match(created.Text, "o_([a-z2-7]+)").Groups[1].Value);
        var other = await world.Db.ScalarAsync<long>("SELECT id FROM study_groups WHERE name = 'Other class'");
        var before = world.Api.SentTo(502).Count;

        world.Api.SendsDocument(502, "calendar.csv", Encoding.UTF8.GetBytes("2026-12-10,off,Their holiday\n"), caption: "/calendar", fromId: 502);
        await world.Api.WaitForNthMessageAsync(502, before + 1);

        Assert.Equal(1, await world.Db.CountAsync("calendar_days", $"group_id = {other}"));
        Assert.Equal(2, await world.Db.CountAsync("calendar_days", $"group_id <> {other}"));
        Assert.DoesNotContain("Holiday", (await world.Learner(502).SendAsync("/calendar")).Text, StringComparison.Ordinal);
    }
}

using StudyBot.Digests;

namespace StudyBot.Tests.Digests;

public sealed class DigestScheduleTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static DateTime Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public void On_a_weekday_nothing_is_due_and_the_next_look_is_sunday_at_20_local()
    {
        // Wednesday 2026-12-09 10:00 in Shanghai.
        var plan = DigestSchedule.PlanForDue(Utc(12, 9, 2), Shanghai);

        Assert.Null(plan.WeekStart);
        Assert.Equal(Utc(12, 13, 12), plan.NextUtc);
    }

    [Fact]
    public void On_sunday_before_20_the_next_look_is_that_evening()
    {
        var plan = DigestSchedule.PlanForDue(Utc(12, 13, 11, 59), Shanghai);

        Assert.Null(plan.WeekStart);
        Assert.Equal(Utc(12, 13, 12), plan.NextUtc);
    }

    [Fact]
    public void From_sunday_20_until_midnight_the_week_monday_to_sunday_is_due()
    {
        var atEight = DigestSchedule.PlanForDue(Utc(12, 13, 12), Shanghai);
        var beforeMidnight = DigestSchedule.PlanForDue(Utc(12, 13, 15, 59), Shanghai);

        Assert.Equal(new DateOnly(2026, 12, 7), atEight.WeekStart);
        Assert.Equal(Utc(12, 20, 12), atEight.NextUtc);
        Assert.Equal(atEight, beforeMidnight);
    }

    [Fact]
    public void Once_the_local_sunday_is_over_a_missed_digest_is_not_sent()
    {
        // Monday 2026-12-14 00:30 in Shanghai.
        var plan = DigestSchedule.PlanForDue(Utc(12, 13, 16, 30), Shanghai);

        Assert.Null(plan.WeekStart);
        Assert.Equal(Utc(12, 20, 12), plan.NextUtc);
    }

    [Fact]
    public void Sunday_20_follows_daylight_saving_time()
    {
        // New York moves to EDT on Sunday 2026-03-08: 20:00 EDT = 00:00 UTC on the 9th.
        var plan = DigestSchedule.PlanForDue(Utc(3, 6, 12), NewYork);
        Assert.Equal(Utc(3, 9, 0), plan.NextUtc);

        var due = DigestSchedule.PlanForDue(Utc(3, 9, 0), NewYork);
        Assert.Equal(new DateOnly(2026, 3, 2), due.WeekStart);
        Assert.Equal(Utc(3, 16, 0), due.NextUtc);
    }

    [Theory]
    [InlineData("One line only", "One line only")]
    [InlineData("\n  First real line  \nsecond", "First real line")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void The_first_line_of_a_reflection_skips_blank_lines(string? text, string expected)
    {
        Assert.Equal(expected, DigestText.FirstLine(text));
    }

    [Fact]
    public void A_long_first_line_is_shortened_without_splitting_an_emoji()
    {
        var line = new string('a', 199) + "😀" + "tail";

        Assert.Equal(new string('a', 199) + "…", DigestText.FirstLine(line));
        Assert.Equal(201, DigestText.FirstLine(new string('b', 300)).Length);
    }

    [Fact]
    public void A_long_first_line_is_shortened_without_splitting_an_emoji_with_a_skin_tone()
    {
        // 👍🏽 is one emoji of four UTF-16 units; the limit of 200 falls after its first two.
        var line = new string('a', 198) + "👍🏽" + "tail";

        Assert.Equal(new string('a', 198) + "…", DigestText.FirstLine(line));
    }
}

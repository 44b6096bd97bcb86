using StudyBot.Reflections;

namespace StudyBot.Tests.Reflections;

public sealed class StreakTests
{
    private static readonly DateOnly Today = new(2026, 12, 10);

    private static DateOnly Day(int offset) => Today.AddDays(offset);

    [Fact]
    public void Consecutive_days_ending_today_count_all()
    {
        Assert.Equal(3, Streak.DaysInARow([Day(0), Day(-1), Day(-2)], Today));
    }

    [Fact]
    public void A_streak_ending_yesterday_still_counts_while_today_is_unanswered()
    {
        Assert.Equal(2, Streak.DaysInARow([Day(-1), Day(-2)], Today));
    }

    [Fact]
    public void A_gap_ends_the_streak()
    {
        Assert.Equal(1, Streak.DaysInARow([Day(0), Day(-2), Day(-3)], Today));
    }

    [Fact]
    public void Nothing_answered_today_or_yesterday_is_no_streak()
    {
        Assert.Equal(0, Streak.DaysInARow([Day(-2), Day(-3)], Today));
        Assert.Equal(0, Streak.DaysInARow([], Today));
    }

    [Fact]
    public void Several_reflections_on_one_day_count_that_day_once_and_order_does_not_matter()
    {
        Assert.Equal(2, Streak.DaysInARow([Day(-1), Day(0), Day(0), Day(-1)], Today));
    }

    [Fact]
    public void Days_without_a_delivery_are_stepped_over_and_a_missed_study_day_still_ends_the_streak()
    {
        // Friday 12-11, Monday 12-14 and Tuesday 12-15 answered; the weekend had no delivery.
        var weekdays = (DateOnly day) => day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
        DateOnly[] answered = [new(2026, 12, 11), new(2026, 12, 14), new(2026, 12, 15)];

        Assert.Equal(3, Streak.DaysInARow(answered, new DateOnly(2026, 12, 15), weekdays));
        Assert.Equal(2, Streak.DaysInARow(answered, new DateOnly(2026, 12, 15)));

        // Thursday 12-10 had a delivery and no answer: the streak started on Friday.
        Assert.Equal(3, Streak.DaysInARow([new(2026, 12, 9), .. answered], new DateOnly(2026, 12, 16), weekdays));
    }
}

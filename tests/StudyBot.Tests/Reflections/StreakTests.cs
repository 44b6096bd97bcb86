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
}

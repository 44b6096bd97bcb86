using StudyBot.Content;

namespace StudyBot.Tests.Content;

public sealed class ItemSelectorTests
{
    private static readonly DateOnly Start = new(2026, 12, 1);

    // Every day a study day: the position is the day count from the start.
    private static ContentItem? At(DateOnly date, IReadOnlyList<ContentItem> items) => ItemSelector.ItemFor(date, date.DayNumber - Start.DayNumber, items);

    private static readonly ContentItem A = Item("A");
    private static readonly ContentItem B = Item("B");
    private static readonly ContentItem C = Item("C");

    private static ContentItem Item(string quote, DateOnly? date = null) =>
        new("theme " + quote, quote, "source " + quote, "prompt " + quote, date);

    private static DateOnly Day(int month, int day) => new(2026, month, day);

    [Fact]
    public void The_start_date_gets_the_first_item()
    {
        Assert.Same(A, At(Start, [A, B, C]));
    }

    [Fact]
    public void Each_following_day_gets_the_next_item_in_order()
    {
        Assert.Same(B, At(Day(12, 2), [A, B, C]));
        Assert.Same(C, At(Day(12, 3), [A, B, C]));
    }

    [Fact]
    public void After_the_last_item_the_cycle_starts_again()
    {
        Assert.Same(A, At(Day(12, 4), [A, B, C]));
        Assert.Same(B, At(Day(12, 5), [A, B, C]));
        // 2027-01-01 is 31 days after the start: 31 mod 3 = 1.
        Assert.Same(B, At(new DateOnly(2027, 1, 1), [A, B, C]));
    }

    [Fact]
    public void Dates_before_the_start_cycle_backwards()
    {
        Assert.Same(C, At(Day(11, 30), [A, B, C]));
        Assert.Same(B, At(Day(11, 29), [A, B, C]));
        Assert.Same(A, At(Day(11, 28), [A, B, C]));
        Assert.Same(C, At(Day(11, 27), [A, B, C]));
    }

    [Fact]
    public void A_single_item_is_served_every_day()
    {
        Assert.Same(A, At(Day(11, 1), [A]));
        Assert.Same(A, At(Start, [A]));
        Assert.Same(A, At(Day(12, 31), [A]));
    }

    [Fact]
    public void A_pinned_item_is_served_on_its_date()
    {
        var pinned = Item("P", Day(12, 2));

        Assert.Same(pinned, At(Day(12, 2), [A, pinned, B, C]));
    }

    [Fact]
    public void A_pinned_item_is_left_out_of_the_cycle()
    {
        var pinned = Item("P", Day(12, 2));
        ContentItem[] items = [A, pinned, B, C];

        // The cycle is A, B, C by date offset from the start; P takes only its own date.
        Assert.Same(A, At(Day(12, 1), items));
        Assert.Same(C, At(Day(12, 3), items));
        Assert.Same(A, At(Day(12, 4), items));
        Assert.Same(B, At(Day(12, 5), items));
        Assert.Same(C, At(Day(12, 6), items));
    }

    [Fact]
    public void A_pinned_item_is_never_served_on_another_date()
    {
        var pinned = Item("P", Day(12, 2));
        ContentItem[] items = [A, pinned, B, C];

        for (var date = Day(11, 1); date <= new DateOnly(2027, 1, 31); date = date.AddDays(1))
        {
            if (date != Day(12, 2))
            {
                Assert.NotSame(pinned, At(date, items));
            }
        }
    }

    [Fact]
    public void A_pinned_item_before_the_start_is_served_on_its_date()
    {
        var pinned = Item("P", Day(11, 15));

        Assert.Same(pinned, At(Day(11, 15), [A, B, pinned, C]));
    }

    [Fact]
    public void Two_pinned_items_each_get_their_own_date()
    {
        var first = Item("P1", Day(12, 10));
        var second = Item("P2", Day(12, 11));
        ContentItem[] items = [first, A, second, B];

        Assert.Same(first, At(Day(12, 10), items));
        Assert.Same(second, At(Day(12, 11), items));
        // 2026-12-12 is 11 days after the start; the cycle is A, B: 11 mod 2 = 1.
        Assert.Same(B, At(Day(12, 12), items));
    }

    [Fact]
    public void No_items_give_no_item()
    {
        Assert.Null(At(Start, []));
    }

    [Fact]
    public void Only_pinned_items_give_no_item_on_other_dates()
    {
        var pinned = Item("P", Day(12, 2));

        Assert.Null(At(Day(12, 3), [pinned]));
        Assert.Same(pinned, At(Day(12, 2), [pinned]));
    }
}

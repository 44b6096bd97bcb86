using StudyBot.Content;

namespace StudyBot.Tests.Content;

public sealed class ItemSelectorTests
{
    private static readonly DateOnly Start = new(2026, 12, 1);

    private static readonly ContentItem A = Item("A");
    private static readonly ContentItem B = Item("B");
    private static readonly ContentItem C = Item("C");

    private static ContentItem Item(string quote, DateOnly? date = null) =>
        new("theme " + quote, quote, "source " + quote, "prompt " + quote, date);

    private static DateOnly Day(int month, int day) => new(2026, month, day);

    [Fact]
    public void The_start_date_gets_the_first_item()
    {
        Assert.Same(A, ItemSelector.ItemFor(Start, Start, [A, B, C]));
    }

    [Fact]
    public void Each_following_day_gets_the_next_item_in_order()
    {
        Assert.Same(B, ItemSelector.ItemFor(Day(12, 2), Start, [A, B, C]));
        Assert.Same(C, ItemSelector.ItemFor(Day(12, 3), Start, [A, B, C]));
    }

    [Fact]
    public void After_the_last_item_the_cycle_starts_again()
    {
        Assert.Same(A, ItemSelector.ItemFor(Day(12, 4), Start, [A, B, C]));
        Assert.Same(B, ItemSelector.ItemFor(Day(12, 5), Start, [A, B, C]));
        // 2027-01-01 is 31 days after the start: 31 mod 3 = 1.
        Assert.Same(B, ItemSelector.ItemFor(new DateOnly(2027, 1, 1), Start, [A, B, C]));
    }

    [Fact]
    public void Dates_before_the_start_cycle_backwards()
    {
        Assert.Same(C, ItemSelector.ItemFor(Day(11, 30), Start, [A, B, C]));
        Assert.Same(B, ItemSelector.ItemFor(Day(11, 29), Start, [A, B, C]));
        Assert.Same(A, ItemSelector.ItemFor(Day(11, 28), Start, [A, B, C]));
        Assert.Same(C, ItemSelector.ItemFor(Day(11, 27), Start, [A, B, C]));
    }

    [Fact]
    public void A_single_item_is_served_every_day()
    {
        Assert.Same(A, ItemSelector.ItemFor(Day(11, 1), Start, [A]));
        Assert.Same(A, ItemSelector.ItemFor(Start, Start, [A]));
        Assert.Same(A, ItemSelector.ItemFor(Day(12, 31), Start, [A]));
    }

    [Fact]
    public void A_pinned_item_is_served_on_its_date()
    {
        var pinned = Item("P", Day(12, 2));

        Assert.Same(pinned, ItemSelector.ItemFor(Day(12, 2), Start, [A, pinned, B, C]));
    }

    [Fact]
    public void A_pinned_item_is_left_out_of_the_cycle()
    {
        var pinned = Item("P", Day(12, 2));
        ContentItem[] items = [A, pinned, B, C];

        // The cycle is A, B, C by date offset from the start; P takes only its own date.
        Assert.Same(A, ItemSelector.ItemFor(Day(12, 1), Start, items));
        Assert.Same(C, ItemSelector.ItemFor(Day(12, 3), Start, items));
        Assert.Same(A, ItemSelector.ItemFor(Day(12, 4), Start, items));
        Assert.Same(B, ItemSelector.ItemFor(Day(12, 5), Start, items));
        Assert.Same(C, ItemSelector.ItemFor(Day(12, 6), Start, items));
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
                Assert.NotSame(pinned, ItemSelector.ItemFor(date, Start, items));
            }
        }
    }

    [Fact]
    public void A_pinned_item_before_the_start_is_served_on_its_date()
    {
        var pinned = Item("P", Day(11, 15));

        Assert.Same(pinned, ItemSelector.ItemFor(Day(11, 15), Start, [A, B, pinned, C]));
    }

    [Fact]
    public void Two_pinned_items_each_get_their_own_date()
    {
        var first = Item("P1", Day(12, 10));
        var second = Item("P2", Day(12, 11));
        ContentItem[] items = [first, A, second, B];

        Assert.Same(first, ItemSelector.ItemFor(Day(12, 10), Start, items));
        Assert.Same(second, ItemSelector.ItemFor(Day(12, 11), Start, items));
        // 2026-12-12 is 11 days after the start; the cycle is A, B: 11 mod 2 = 1.
        Assert.Same(B, ItemSelector.ItemFor(Day(12, 12), Start, items));
    }

    [Fact]
    public void No_items_give_no_item()
    {
        Assert.Null(ItemSelector.ItemFor(Start, Start, []));
    }

    [Fact]
    public void Only_pinned_items_give_no_item_on_other_dates()
    {
        var pinned = Item("P", Day(12, 2));

        Assert.Null(ItemSelector.ItemFor(Day(12, 3), Start, [pinned]));
        Assert.Same(pinned, ItemSelector.ItemFor(Day(12, 2), Start, [pinned]));
    }
}

namespace StudyBot.Content;

// Everyone gets the same item on the same date: a pinned item on its date, otherwise the
// unpinned items in order from the pack's start date, cycling (also backwards before the start).
internal static class ItemSelector
{
    public static ContentItem? ItemFor(DateOnly date, DateOnly start, IReadOnlyList<ContentItem> items)
    {
        ContentItem? pinned = null;
        var cycle = new List<ContentItem>(items.Count);
        foreach (var item in items)
        {
            if (item.Date is { } pinnedDate)
            {
                if (pinnedDate == date)
                {
                    pinned = item;
                }
            }
            else
            {
                cycle.Add(item);
            }
        }

        if (pinned is not null)
        {
            return pinned;
        }

        if (cycle.Count == 0)
        {
            return null;
        }

        var offset = date.DayNumber - start.DayNumber;
        var index = ((offset % cycle.Count) + cycle.Count) % cycle.Count;
        return cycle[index];
    }
}

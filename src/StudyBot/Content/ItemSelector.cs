namespace StudyBot.Content;

// Everyone gets the same item on the same date: a pinned item on its date, otherwise the unpinned
// items in order, the one at `position` (the study days since the course started; negative before
// it), cycling.
internal static class ItemSelector
{
    public static ContentItem? ItemFor(DateOnly date, int position, IReadOnlyList<ContentItem> items)
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

        var index = ((position % cycle.Count) + cycle.Count) % cycle.Count;
        return cycle[index];
    }
}

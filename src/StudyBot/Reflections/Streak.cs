namespace StudyBot.Reflections;

// Days in a row answered: consecutive local dates of answered deliveries, ending today or the
// day before (today's prompt may still be unanswered in the morning without breaking the streak).
// Days that had no delivery (isDeliveryDay false: a weekend off, a holiday) are stepped over.
internal static class Streak
{
    public static int DaysInARow(IEnumerable<DateOnly> answeredDates, DateOnly today, Func<DateOnly, bool>? isDeliveryDay = null)
    {
        var answered = answeredDates.ToHashSet();
        if (answered.Count == 0)
        {
            return 0;
        }

        var earliest = answered.Min();
        var day = answered.Contains(today) ? today : today.AddDays(-1);
        var count = 0;
        for (; day >= earliest; day = day.AddDays(-1))
        {
            if (answered.Contains(day))
            {
                count++;
            }
            else if (isDeliveryDay is null || isDeliveryDay(day))
            {
                break;
            }
        }

        return count;
    }
}

namespace StudyBot.Reflections;

// Days in a row answered: consecutive local dates of answered deliveries, ending today or yesterday
// (today's prompt may still be unanswered in the morning without breaking the streak).
internal static class Streak
{
    public static int DaysInARow(IEnumerable<DateOnly> answeredDates, DateOnly today)
    {
        var answered = answeredDates.ToHashSet();
        var day = answered.Contains(today) ? today : today.AddDays(-1);
        var count = 0;
        while (answered.Contains(day))
        {
            count++;
            day = day.AddDays(-1);
        }

        return count;
    }
}

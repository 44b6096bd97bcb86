namespace StudyBot.Groups;

// A group's calendar: its study weekdays, the course's start and end, and the exceptions of
// /calendar (a holiday off, a working weekend on). Dates are each member's own local dates.
internal sealed class StudyCalendar(int studyDays, DateOnly? start, DateOnly? end, IReadOnlyDictionary<DateOnly, bool> exceptions)
{
    // Every day, no start or end: the deployment as it was before groups.
    public static readonly StudyCalendar EveryDay = new(StudyDays.Every, null, null, new Dictionary<DateOnly, bool>());

    public DateOnly? Start => start;

    public bool IsStudyDay(DateOnly date) =>
        exceptions.TryGetValue(date, out var study) ? study : StudyDays.Includes(studyDays, date.DayOfWeek);

    // A delivery is due on a study day within the course.
    public bool HasDelivery(DateOnly date) =>
        (start is null || date >= start) && (end is null || date <= end) && IsStudyDay(date);

    // The position of date's item in the course: the study days from `from` up to, not including,
    // `date`. With every day a study day it is the plain day count, which may be negative before
    // `from` (a pack's items then cycle backwards, as before groups).
    public int StudyDayIndex(DateOnly from, DateOnly date)
    {
        if (studyDays == StudyDays.Every && exceptions.Count == 0)
        {
            return date.DayNumber - from.DayNumber;
        }

        var index = 0;
        for (var day = from; day < date; day = day.AddDays(1))
        {
            if (IsStudyDay(day))
            {
                index++;
            }
        }

        return index;
    }

    // The first day from `after` on (inclusive) with a delivery, within a year; null if none (the course is over).
    public DateOnly? NextDeliveryDay(DateOnly after)
    {
        for (var day = after; day <= after.AddDays(366); day = day.AddDays(1))
        {
            if (end is { } last && day > last)
            {
                return null;
            }

            if (HasDelivery(day))
            {
                return day;
            }
        }

        return null;
    }
}

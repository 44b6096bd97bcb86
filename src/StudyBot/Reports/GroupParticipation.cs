using StudyBot.Delivery;
using StudyBot.Groups;
using StudyBot.Learners;

namespace StudyBot.Reports;

// A group's participation over a range of days, as /report and the web app's dashboard both show
// it: the same range defaults and limits, the same marks.
internal sealed class GroupParticipation(ReportStore store, TimeProvider time)
{
    public const int MaxDays = 366;
    private const int DefaultDays = 30;

    // The group's today, in its own time zone.
    public DateOnly TodayOf(StudyGroup group) => DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, TimeZones.Get(group.TimeZone));

    // Without dates: from the course's start (or the last 30 days) to the group's today. Null for
    // a range that runs backwards or is longer than MaxDays.
    public (DateOnly From, DateOnly To)? RangeOf(StudyGroup group, DateOnly? askedFrom, DateOnly? askedTo)
    {
        var today = TodayOf(group);
        var from = askedFrom ?? (group.StartDate is { } start && start <= today ? start : today.AddDays(1 - DefaultDays));
        var to = askedTo ?? today;
        return to < from || to.DayNumber - from.DayNumber >= MaxDays ? null : (from, to);
    }

    public async Task<List<MemberParticipation>> ComputeAsync(GroupCourse course, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        Participation.Compute(
            await store.MembersAsync(course.Group.Id, cancellationToken),
            await store.DaysAsync(course.Group.Id, from, to, cancellationToken),
            await store.TotalsAsync(course.Group.Id, from, to, cancellationToken),
            course.Calendar,
            from,
            to,
            time.GetUtcNow().UtcDateTime);
}

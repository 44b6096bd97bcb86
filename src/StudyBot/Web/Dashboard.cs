using System.Text.Json;
using StudyBot.Groups;
using StudyBot.Reminders;
using StudyBot.Reports;
using StudyBot.Wall;

namespace StudyBot.Web;

// The organizer's dashboard in the web app: a group's members by days and its daily completion
// (the marks of /report), who has not answered today (as /remind sees them), and the wall.
internal sealed class Dashboard(GroupParticipation participation, ReminderService reminders, WallStore wall, DashboardSnapshots snapshots)
{
    // The most member ids one nudge may name; more than a group has.
    public const int MaxNudgeIds = 10_000;

    // The answer as JSON, computed at most once per FreshFor for all who ask (DashboardSnapshots).
    public Task<StoredJson> ShowJsonAsync(GroupCourse course, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        snapshots.GetAsync(
            course.Group.Id,
            from,
            to,
            async computing => JsonSerializer.SerializeToUtf8Bytes(await ShowAsync(course, from, to, computing), WebJson.Default.DashboardResponse),
            cancellationToken);

    // As /remind: only those who got today's prompt and have not answered, once a day at most.
    public async Task<int> NudgeAsync(long organizerId, long groupId, IReadOnlyCollection<long>? only, CancellationToken cancellationToken)
    {
        var nudged = await reminders.RemindNowAsync(organizerId, groupId, only, cancellationToken);
        snapshots.Forget(groupId);
        return nudged;
    }

    private async Task<DashboardResponse> ShowAsync(GroupCourse course, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var members = await participation.ComputeAsync(course, from, to, cancellationToken);
        var unanswered = await reminders.UnansweredTodayAsync(course.Group.Id, alreadyReminded: true, cancellationToken);
        return new DashboardResponse(
            new GroupRef(course.Group.Id, course.Group.Name),
            participation.TodayOf(course.Group),
            from,
            to,
            [.. members.Select(m => new DashboardMember(m.Member.ChatId, m.Member.DisplayName, m.Member.Username, Marks(m.Days), m.OnTime, m.MadeUp, m.Missed))],
            Participation.DailyCompletion(members, from, to),
            [.. unanswered.OrderBy(c => c.DisplayName, StringComparer.Ordinal).Select(c => new UnansweredMember(c.ChatId, c.DisplayName, c.RemindedUtc is not null))]);
    }

    public async Task<WallResponse> WallAsync(long groupId, DateOnly day, CancellationToken cancellationToken)
    {
        var entries = await wall.SharedOnAsync(groupId, day, cancellationToken);
        var comments = await wall.CommentsOnAsync([.. entries.Select(e => e.Id)], cancellationToken);
        return new WallResponse(day, [.. entries.Select(e => new WallItem(
            e.Id, e.AuthorName, e.Text, Journal.KindName((Reflections.ReflectionKind)e.Kind), e.DurationSeconds, e.FeaturedUtc is not null, [.. comments[e.Id]]))]);
    }

    // One letter a day keeps a thousand members by ninety days small: o on time, m made up,
    // x missed, n no study day, '.' nothing to mark (before joining, or today still open).
    private static string Marks(IReadOnlyList<DayMark> days) => string.Concat(days.Select(mark => mark switch
    {
        DayMark.OnTime => 'o',
        DayMark.MadeUp => 'm',
        DayMark.Missed => 'x',
        DayMark.NoStudyDay => 'n',
        _ => '.',
    }));
}

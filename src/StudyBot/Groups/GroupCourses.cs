namespace StudyBot.Groups;

// Each group's course and calendar, read once per group every few seconds rather than once per
// member: the sweep plans thousands of members of a group together, and every confirmation reads
// the calendar for its streak. A change made here (/groupset, /calendar) is seen at once; one made
// by another instance within CacheFor.
internal sealed class GroupCourses(GroupStore groups)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, Cached> cache = new();

    public async Task<GroupCourse?> GetAsync(long groupId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(groupId, out var cached) && Environment.TickCount64 - cached.ReadAtMs < CacheFor.TotalMilliseconds)
        {
            return cached.Course;
        }

        GroupCourse? course = null;
        if (await groups.GetAsync(groupId, cancellationToken) is { } group)
        {
            var exceptions = await groups.CalendarDaysAsync(groupId, cancellationToken);
            var calendar = new StudyCalendar(group.StudyDays, group.StartDate, group.EndDate, exceptions.ToDictionary(d => d.Day, d => d.Kind == CalendarDay.Study));
            course = new GroupCourse(group, calendar);
        }

        cache[groupId] = new Cached(course, Environment.TickCount64);
        return course;
    }

    // Whoever keeps something made from a group's course (the web app's dashboards) drops it too.
    public event Action<long>? Forgotten;

    public void Forget(long groupId)
    {
        cache.TryRemove(groupId, out _);
        Forgotten?.Invoke(groupId);
    }

    private sealed record Cached(GroupCourse? Course, long ReadAtMs);
}

internal sealed record GroupCourse(StudyGroup Group, StudyCalendar Calendar);

// A row of calendar_days.
internal sealed class CalendarDay
{
    public const string Off = "off";
    public const string Study = "study";

    public DateOnly Day { get; set; }
    public string Kind { get; set; } = "";
    public string Note { get; set; } = "";
}

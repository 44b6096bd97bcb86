using StudyBot.Delivery;
using StudyBot.Groups;
using StudyBot.Localization;

namespace StudyBot.Reflections;

// The learner's streak in words, counted in the learner's own calendar days; the days without a
// delivery in their group's calendar (weekends off, holidays) do not break it.
internal sealed class StreakReader(ReflectionStore reflections, GroupCourses courses, TimeProvider time, Texts texts)
{
    public async Task<string> DescribeAsync(long chatId, long groupId, TimeZoneInfo zone, string language, CancellationToken cancellationToken)
    {
        var today = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, zone);
        var calendar = (await courses.GetAsync(groupId, cancellationToken))?.Calendar ?? StudyCalendar.EveryDay;
        var days = Streak.DaysInARow(await reflections.AnsweredDatesAsync(chatId, cancellationToken), today, calendar.HasDelivery);
        return texts.Get(language, days == 1 ? "StreakOne" : "StreakMany", days);
    }
}

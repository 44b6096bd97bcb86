using StudyBot.Delivery;
using StudyBot.Localization;

namespace StudyBot.Reflections;

// The learner's streak in words, counted in the learner's own calendar days.
internal sealed class StreakReader(ReflectionStore reflections, TimeProvider time, Texts texts)
{
    public async Task<string> DescribeAsync(long chatId, TimeZoneInfo zone, string language, CancellationToken cancellationToken)
    {
        var today = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, zone);
        var days = Streak.DaysInARow(await reflections.AnsweredDatesAsync(chatId, cancellationToken), today);
        return texts.Get(language, days == 1 ? "StreakOne" : "StreakMany", days);
    }
}

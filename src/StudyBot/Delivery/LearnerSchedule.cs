using System.Globalization;
using StudyBot.Groups;
using StudyBot.Learners;
using StudyBot.Localization;

namespace StudyBot.Delivery;

// Settings changes take effect from the next delivery time that falls on a day not yet delivered
// and with a delivery in the learner's group's calendar.
internal sealed class LearnerSchedule(DeliveryStore deliveries, GroupCourses courses, TimeProvider time, Texts texts)
{
    public async Task<DateTime> NextDeliveryAsync(Learner learner, CancellationToken cancellationToken)
    {
        var last = await deliveries.LastDeliveredDateAsync(learner.ChatId, cancellationToken);
        var next = DeliverySchedule.NextSlotUtc(time.GetUtcNow().UtcDateTime, learner.DeliveryTimeOfDay, learner.Zone, last);
        return await courses.GetAsync(learner.GroupId, cancellationToken) is { } course
            ? DeliverySchedule.OnDeliveryDay(next, learner.DeliveryTimeOfDay, learner.Zone, course.Calendar)
            : next;
    }

    public async Task RescheduleAsync(Learner learner, CancellationToken cancellationToken) =>
        learner.NextDeliveryUtc = learner.Status == LearnerStatus.Active ? await NextDeliveryAsync(learner, cancellationToken) : null;

    public string DescribeNext(Learner learner) =>
        learner.NextDeliveryUtc is { } next
            ? TimeZoneInfo.ConvertTimeFromUtc(next, learner.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : texts.Get(learner.Language, "NotScheduled");
}

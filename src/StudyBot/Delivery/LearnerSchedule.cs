using System.Globalization;
using StudyBot.Learners;
using StudyBot.Localization;

namespace StudyBot.Delivery;

// Settings changes take effect from the next delivery time that falls on a day not yet delivered.
internal sealed class LearnerSchedule(DeliveryStore deliveries, TimeProvider time, Texts texts)
{
    public async Task<DateTime> NextDeliveryAsync(Learner learner, CancellationToken cancellationToken)
    {
        var last = await deliveries.LastDeliveredDateAsync(learner.ChatId, cancellationToken);
        return DeliverySchedule.NextSlotUtc(time.GetUtcNow().UtcDateTime, learner.DeliveryTimeOfDay, learner.Zone, last);
    }

    public async Task RescheduleAsync(Learner learner, CancellationToken cancellationToken) =>
        learner.NextDeliveryUtc = learner.Status == LearnerStatus.Active ? await NextDeliveryAsync(learner, cancellationToken) : null;

    public string DescribeNext(Learner learner) =>
        learner.NextDeliveryUtc is { } next
            ? TimeZoneInfo.ConvertTimeFromUtc(next, learner.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : texts.Get(learner.Language, "NotScheduled");
}

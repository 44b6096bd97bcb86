using StudyBot.Content;
using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Outbox;
using StudyBot.Telegram.Routing;

namespace StudyBot.Delivery;

// /today is today's delivery, sent now: the scheduled one is not sent again the same local day.
// On a day without a delivery in the learner's group (not a study day, or outside the course) it
// says when the next one is instead.
internal sealed class TodayCommand(DeliveryStore deliveries, ContentStore content, GroupCourses courses, OutboxSender outbox, Texts texts, TimeProvider time) : IBotCommand
{
    public string Name => "today";
    public CommandAudience Audience => CommandAudience.Learner;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Learner is not { IsSubscribed: true } learner)
        {
            context.Reply(texts.Get(context.Language, "NotSubscribed"));
            return;
        }

        var today = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, learner.Zone);
        var delivery = await deliveries.GetForDateAsync(learner.ChatId, today, cancellationToken);
        if (delivery is null)
        {
            var course = await courses.GetAsync(learner.GroupId, cancellationToken);
            if (course is null || !course.Calendar.HasDelivery(today))
            {
                var next = course?.Calendar.NextDeliveryDay(today.AddDays(1));
                context.Reply(next is { } day
                    ? texts.Get(learner.Language, "NotStudyDay", day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
                    : texts.Get(learner.Language, "CourseOver"));
                return;
            }

            var item = await content.ItemForAsync(course, learner.Language, today, cancellationToken);
            if (item is null)
            {
                context.Reply(texts.Get(learner.Language, "NoContent"));
                return;
            }

            // Claimed with its outbox row and sent at once as a reply, not queued behind bulk sends;
            // losing the claim means the sweep claimed today a moment ago, and that delivery is
            // already on its way.
            if (await deliveries.TryClaimForSendingAsync(learner.ChatId, today, item, DeliveryText.Format(texts, learner.Language, item), cancellationToken) is { } claimed)
            {
                await outbox.SendNowAsync(claimed, cancellationToken);
            }
            else
            {
                outbox.Wake();
            }

            return;
        }

        if (delivery.Failure is not null && await deliveries.RetryFailedAsync(delivery.Id, cancellationToken))
        {
            outbox.Wake();
            return;
        }

        // Already delivered (or on its way): show the same item again.
        var again = new ContentItem(delivery.Theme, delivery.Quote, delivery.Source, delivery.Prompt, null);
        context.Reply(DeliveryText.Format(texts, learner.Language, again));
    }
}

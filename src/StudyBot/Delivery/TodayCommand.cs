using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Telegram;

namespace StudyBot.Delivery;

// /today is today's delivery, sent now: the scheduled one is not sent again the same local day.
public sealed class TodayCommand(DeliveryStore deliveries, Content.ContentStore content, DeliverySender sender, Texts texts, TimeProvider time) : IBotCommand
{
    public string Name => "today";
    public CommandAudience Audience => CommandAudience.Learner;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Learner is not { IsSubscribed: true } learner)
        {
            await context.ReplyAsync(texts.Get(context.Language, "NotSubscribed"), cancellationToken);
            return;
        }

        var today = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, learner.Zone);
        var delivery = await deliveries.GetForDateAsync(learner.ChatId, today, cancellationToken);
        if (delivery is null)
        {
            var item = await content.ItemForAsync(learner.Language, today, cancellationToken);
            if (item is null)
            {
                await context.ReplyAsync(texts.Get(learner.Language, "NoContent"), cancellationToken);
                return;
            }

            // Losing the claim means the sweep claimed today a moment ago; either way one row exists.
            await deliveries.TryClaimAsync(learner.ChatId, today, item, cancellationToken);
            delivery = await deliveries.GetForDateAsync(learner.ChatId, today, cancellationToken);
        }

        if (delivery!.SentUtc is null)
        {
            switch ((await sender.SendAsync(delivery, cancellationToken))?.Status)
            {
                case SendStatus.Sent or SendStatus.Unreachable:
                    return;
                case SendStatus.Failed:
                    await context.ReplyAsync(texts.Get(learner.Language, "Error"), cancellationToken);
                    return;
            }
        }

        // Already delivered (or being sent right now): show the same item again, as a reply.
        var again = new Content.ContentItem(delivery.Theme, delivery.Quote, delivery.Source, delivery.Prompt, null);
        await context.ReplyAsync(Content.DeliveryText.Format(texts, learner.Language, again), cancellationToken);
    }
}

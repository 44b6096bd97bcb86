using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Delivery;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;

namespace StudyBot.Learners;

internal sealed class StartCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts, IOptions<BotOptions> options) : IBotCommand
{
    public string Name => "start";
    public CommandAudience Audience => CommandAudience.Learner;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Learner is { } existing)
        {
            switch (existing.Status)
            {
                case LearnerStatus.Active:
                    context.Reply(texts.Get(existing.Language, "AlreadySubscribed", existing.DeliveryTime, existing.TimeZone));
                    return;
                case LearnerStatus.Paused:
                    context.Reply(texts.Get(existing.Language, "AlreadySubscribedPaused"));
                    return;
                default:
                    existing.Status = LearnerStatus.Active;
                    await schedule.RescheduleAsync(existing, cancellationToken);
                    await learners.SaveSettingsAsync(existing, cancellationToken);
                    Welcome(context, existing);
                    return;
            }
        }

        var settings = options.Value;
        var learner = new Learner
        {
            ChatId = context.ChatId,
            DisplayName = context.DisplayName,
            Language = settings.Language,
            TimeZone = settings.TimeZone,
            DeliveryTime = TimeOfDay.Format(settings.DefaultDeliveryTime),
            Status = LearnerStatus.Active,
        };
        await schedule.RescheduleAsync(learner, cancellationToken);
        if (!await learners.TryCreateAsync(learner, cancellationToken))
        {
            // Another /start of this chat won the insert a moment ago.
            var current = await learners.GetAsync(context.ChatId, cancellationToken);
            context.Reply(texts.Get(current!.Language, "AlreadySubscribed", current.DeliveryTime, current.TimeZone));
            return;
        }

        Welcome(context, learner);
    }

    private void Welcome(CommandContext context, Learner learner) =>
        context.Reply(texts.Get(learner.Language, "Welcome", learner.DeliveryTime, learner.TimeZone, schedule.DescribeNext(learner)));
}

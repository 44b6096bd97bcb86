using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Delivery;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;

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
                    await context.ReplyAsync(texts.Get(existing.Language, "AlreadySubscribed", existing.DeliveryTime, existing.TimeZone), cancellationToken);
                    return;
                case LearnerStatus.Paused:
                    await context.ReplyAsync(texts.Get(existing.Language, "AlreadySubscribedPaused"), cancellationToken);
                    return;
                default:
                    existing.Status = LearnerStatus.Active;
                    await schedule.RescheduleAsync(existing, cancellationToken);
                    await learners.SaveSettingsAsync(existing, cancellationToken);
                    await WelcomeAsync(context, existing, cancellationToken);
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
            await context.ReplyAsync(texts.Get(current!.Language, "AlreadySubscribed", current.DeliveryTime, current.TimeZone), cancellationToken);
            return;
        }

        await WelcomeAsync(context, learner, cancellationToken);
    }

    private Task<SendOutcome> WelcomeAsync(CommandContext context, Learner learner, CancellationToken cancellationToken) =>
        context.ReplyAsync(texts.Get(learner.Language, "Welcome", learner.DeliveryTime, learner.TimeZone, schedule.DescribeNext(learner)), cancellationToken);
}

using StudyBot.Delivery;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;

namespace StudyBot.Learners;

// /time, /timezone, /language, /pause, /resume and /stop: small changes to the learner's row.
internal abstract class LearnerSettingCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : IBotCommand
{
    public abstract string Name { get; }
    public CommandAudience Audience => CommandAudience.Learner;

    protected LearnerSchedule Schedule => schedule;
    protected Texts Texts => texts;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Learner is not { IsSubscribed: true } learner)
        {
            context.Reply(texts.Get(context.Language, "NotSubscribed"));
            return;
        }

        var reply = await ApplyAsync(learner, context.Arguments, cancellationToken);
        if (reply.Changed)
        {
            await learners.SaveSettingsAsync(learner, cancellationToken);
        }

        context.Reply(reply.Text);
    }

    protected abstract Task<SettingReply> ApplyAsync(Learner learner, string arguments, CancellationToken cancellationToken);
}

internal sealed record SettingReply(bool Changed, string Text);

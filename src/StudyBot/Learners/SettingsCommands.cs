using StudyBot.Delivery;
using StudyBot.Localization;
using StudyBot.Telegram;

namespace StudyBot.Learners;

// /time, /timezone, /language, /pause, /resume and /stop: small changes to the learner's row.
public abstract class LearnerSettingCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : IBotCommand
{
    public abstract string Name { get; }
    public CommandAudience Audience => CommandAudience.Learner;

    protected LearnerSchedule Schedule => schedule;
    protected Texts Texts => texts;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Learner is not { IsSubscribed: true } learner)
        {
            await context.ReplyAsync(texts.Get(context.Language, "NotSubscribed"), cancellationToken);
            return;
        }

        var reply = await ApplyAsync(learner, context.Arguments, cancellationToken);
        if (reply.Changed)
        {
            await learners.SaveSettingsAsync(learner, cancellationToken);
        }

        await context.ReplyAsync(reply.Text, cancellationToken);
    }

    protected abstract Task<SettingReply> ApplyAsync(Learner learner, string arguments, CancellationToken cancellationToken);
}

public sealed record SettingReply(bool Changed, string Text);

public sealed class TimeCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : LearnerSettingCommand(learners, schedule, texts)
{
    public override string Name => "time";

    protected override async Task<SettingReply> ApplyAsync(Learner learner, string arguments, CancellationToken cancellationToken)
    {
        if (!TimeOfDay.TryParse(arguments, out var time))
        {
            return new SettingReply(false, Texts.Get(learner.Language, "TimeUsage"));
        }

        learner.DeliveryTime = TimeOfDay.Format(time);
        await Schedule.RescheduleAsync(learner, cancellationToken);
        return new SettingReply(true, Texts.Get(learner.Language, "TimeSet", learner.DeliveryTime, learner.TimeZone, Schedule.DescribeNext(learner)));
    }
}

public sealed class TimeZoneCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : LearnerSettingCommand(learners, schedule, texts)
{
    public override string Name => "timezone";

    protected override async Task<SettingReply> ApplyAsync(Learner learner, string arguments, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return new SettingReply(false, Texts.Get(learner.Language, "TimeZoneMissing"));
        }

        if (!TimeZones.TryFind(arguments.Trim(), out var zone))
        {
            return new SettingReply(false, Texts.Get(learner.Language, "TimeZoneUsage", arguments.Trim()));
        }

        learner.TimeZone = zone.Id;
        await Schedule.RescheduleAsync(learner, cancellationToken);
        return new SettingReply(true, Texts.Get(learner.Language, "TimeZoneSet", learner.TimeZone, learner.DeliveryTime, Schedule.DescribeNext(learner)));
    }
}

public sealed class LanguageCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : LearnerSettingCommand(learners, schedule, texts)
{
    public override string Name => "language";

    protected override Task<SettingReply> ApplyAsync(Learner learner, string arguments, CancellationToken cancellationToken)
    {
        if (Languages.Normalize(arguments) is not { } language)
        {
            return Task.FromResult(new SettingReply(false, Texts.Get(learner.Language, "LanguageUsage")));
        }

        learner.Language = language;
        return Task.FromResult(new SettingReply(true, Texts.Get(language, "LanguageSet")));
    }
}

public sealed class PauseCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : LearnerSettingCommand(learners, schedule, texts)
{
    public override string Name => "pause";

    protected override Task<SettingReply> ApplyAsync(Learner learner, string arguments, CancellationToken cancellationToken)
    {
        if (learner.Status == LearnerStatus.Paused)
        {
            return Task.FromResult(new SettingReply(false, Texts.Get(learner.Language, "AlreadyPaused")));
        }

        learner.Status = LearnerStatus.Paused;
        learner.NextDeliveryUtc = null;
        return Task.FromResult(new SettingReply(true, Texts.Get(learner.Language, "Paused")));
    }
}

public sealed class ResumeCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : LearnerSettingCommand(learners, schedule, texts)
{
    public override string Name => "resume";

    protected override async Task<SettingReply> ApplyAsync(Learner learner, string arguments, CancellationToken cancellationToken)
    {
        if (learner.Status == LearnerStatus.Active)
        {
            return new SettingReply(false, Texts.Get(learner.Language, "NotPaused", Schedule.DescribeNext(learner)));
        }

        learner.Status = LearnerStatus.Active;
        await Schedule.RescheduleAsync(learner, cancellationToken);
        return new SettingReply(true, Texts.Get(learner.Language, "Resumed", Schedule.DescribeNext(learner)));
    }
}

public sealed class StopCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : LearnerSettingCommand(learners, schedule, texts)
{
    public override string Name => "stop";

    protected override Task<SettingReply> ApplyAsync(Learner learner, string arguments, CancellationToken cancellationToken)
    {
        learner.Status = LearnerStatus.Stopped;
        learner.NextDeliveryUtc = null;
        return Task.FromResult(new SettingReply(true, Texts.Get(learner.Language, "Stopped")));
    }
}

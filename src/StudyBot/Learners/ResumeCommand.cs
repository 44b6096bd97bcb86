using StudyBot.Delivery;
using StudyBot.Localization;

namespace StudyBot.Learners;

internal sealed class ResumeCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : LearnerSettingCommand(learners, schedule, texts)
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

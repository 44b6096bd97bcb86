using StudyBot.Delivery;
using StudyBot.Localization;

namespace StudyBot.Learners;

internal sealed class StopCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : LearnerSettingCommand(learners, schedule, texts)
{
    public override string Name => "stop";

    protected override Task<SettingReply> ApplyAsync(Learner learner, string arguments, CancellationToken cancellationToken)
    {
        learner.Status = LearnerStatus.Stopped;
        learner.NextDeliveryUtc = null;
        return Task.FromResult(new SettingReply(true, Texts.Get(learner.Language, "Stopped")));
    }
}

using StudyBot.Delivery;
using StudyBot.Localization;

namespace StudyBot.Learners;

internal sealed class PauseCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : LearnerSettingCommand(learners, schedule, texts)
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

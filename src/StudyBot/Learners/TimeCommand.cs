using StudyBot.Delivery;
using StudyBot.Localization;

namespace StudyBot.Learners;

internal sealed class TimeCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : LearnerSettingCommand(learners, schedule, texts)
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

using StudyBot.Delivery;
using StudyBot.Localization;

namespace StudyBot.Learners;

internal sealed class TimeZoneCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : LearnerSettingCommand(learners, schedule, texts)
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
            return new SettingReply(false, Texts.Get(learner.Language, "TimeZoneUsage", TextCut.Echo(arguments.Trim())));
        }

        learner.TimeZone = zone.Id;
        await Schedule.RescheduleAsync(learner, cancellationToken);
        return new SettingReply(true, Texts.Get(learner.Language, "TimeZoneSet", learner.TimeZone, learner.DeliveryTime, Schedule.DescribeNext(learner)));
    }
}

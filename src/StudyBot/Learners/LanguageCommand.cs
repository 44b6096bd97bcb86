using StudyBot.Delivery;
using StudyBot.Localization;

namespace StudyBot.Learners;

internal sealed class LanguageCommand(LearnerStore learners, LearnerSchedule schedule, Texts texts) : LearnerSettingCommand(learners, schedule, texts)
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

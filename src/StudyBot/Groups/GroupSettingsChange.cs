using StudyBot.Audit;
using StudyBot.Content;
using StudyBot.Localization;

namespace StudyBot.Groups;

// /groupset's effect, whether typed in the chat or sent from the web app's settings: every pair
// checked first, then stored at once, the cached course forgotten, members' next deliveries
// planned again where the calendar moved, and the change written to the audit log.
internal sealed class GroupSettingsChange(GroupStore groups, GroupCourses courses, ContentStore content, AuditLog audit, Texts texts)
{
    /// <param name="pairs">`key=value` texts, as GroupSettings.Split makes them.</param>
    /// <returns>The group as saved, or the problems (in `language`) and nothing changed.</returns>
    public async Task<(StudyGroup? Changed, List<string> Problems)> ApplyAsync(long userId, StudyGroup group, IReadOnlyList<string> pairs, string language, CancellationToken cancellationToken)
    {
        var packs = await content.PackNamesAsync(group.Id, cancellationToken);
        var (changed, problems) = GroupSettings.Apply(group, pairs, packs.Contains, texts, language);
        if (changed is null)
        {
            return (null, problems);
        }

        await groups.SaveSettingsAsync(changed, cancellationToken);
        courses.Forget(group.Id);
        if (changed.StudyDays != group.StudyDays || changed.StartDate != group.StartDate || changed.EndDate != group.EndDate)
        {
            await groups.RescheduleMembersAsync(group.Id, cancellationToken);
        }

        await audit.WriteAsync(userId, AuditLog.Actions.GroupChanged, $"#{group.Id}: {TextCut.Echo(string.Join(' ', pairs))}", cancellationToken);
        return (changed, problems);
    }
}

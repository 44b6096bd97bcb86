using StudyBot.Audit;
using StudyBot.Content;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;

namespace StudyBot.Groups;

// /groupset key=value ...: every pair is checked first; one bad key or value changes nothing.
internal sealed class GroupSetCommand(GroupStore groups, GroupAccess access, GroupCourses courses, ContentStore content, AuditLog audit, Texts texts) : IBotCommand
{
    public string Name => "groupset";
    public CommandAudience Audience => CommandAudience.Organizer;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var pairs = GroupSettings.Split(context.Arguments);
        if (pairs.Count == 0)
        {
            context.Reply(texts.Get(context.Language, "GroupSetUsage", string.Join(", ", GroupSettings.Keys)));
            return;
        }

        if (await GroupCommand.CurrentGroupAsync(context, groups, access, texts, cancellationToken) is not { } group)
        {
            return;
        }

        var packs = await content.PackNamesAsync(group.Id, cancellationToken);
        var (changed, problems) = GroupSettings.Apply(group, pairs, packs.Contains, texts, context.Language);
        if (changed is null)
        {
            context.Reply(texts.Get(context.Language, "GroupSetRefused", string.Join("; ", problems)));
            return;
        }

        await groups.SaveSettingsAsync(changed, cancellationToken);
        courses.Forget(group.Id);
        if (changed.StudyDays != group.StudyDays || changed.StartDate != group.StartDate || changed.EndDate != group.EndDate)
        {
            await groups.RescheduleMembersAsync(group.Id, cancellationToken);
        }

        await audit.WriteAsync(context.UserId, AuditLog.Actions.GroupChanged, $"#{group.Id}: {TextCut.Echo(context.Arguments.Trim())}", cancellationToken);
        context.Reply(texts.Get(context.Language, "GroupSetDone", changed.Name, GroupSettings.Describe(changed)));
    }
}

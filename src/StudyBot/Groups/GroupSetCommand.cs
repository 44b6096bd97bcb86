using StudyBot.Localization;
using StudyBot.Telegram.Routing;

namespace StudyBot.Groups;

// /groupset key=value ...: every pair is checked first; one bad key or value changes nothing.
internal sealed class GroupSetCommand(GroupStore groups, GroupAccess access, GroupSettingsChange change, Texts texts) : IBotCommand
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

        var (changed, problems) = await change.ApplyAsync(context.UserId, group, pairs, context.Language, cancellationToken);
        if (changed is null)
        {
            context.Reply(texts.Get(context.Language, "GroupSetRefused", string.Join("; ", problems)));
            return;
        }

        context.Reply(texts.Get(context.Language, "GroupSetDone", changed.Name, GroupSettings.Describe(changed)));
    }
}

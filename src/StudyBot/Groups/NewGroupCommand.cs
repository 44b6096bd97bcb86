using System.Globalization;
using Microsoft.Extensions.Options;
using StudyBot.Audit;
using StudyBot.Configuration;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;

namespace StudyBot.Groups;

// An owner creates a group and gets its two links: one for the members, one (for 7 days) for its organizers.
internal sealed class NewGroupCommand(GroupStore groups, GroupLinks links, AuditLog audit, Texts texts, IOptions<BotOptions> options) : IBotCommand
{
    public string Name => "newgroup";
    public CommandAudience Audience => CommandAudience.Owner;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var name = context.Arguments.Trim();
        if (name.Length is 0 or > GroupSettings.MaxNameLength)
        {
            context.Reply(texts.Get(context.Language, "NewGroupUsage"));
            return;
        }

        var group = await groups.CreateAsync(name, options.Value, cancellationToken);
        await audit.WriteAsync(context.UserId, AuditLog.Actions.GroupCreated, $"#{group.Id} {name}", cancellationToken);
        var expires = group.OrganizerCodeExpiresUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        context.Reply(texts.Get(context.Language, "NewGroupCreated", group.Name, links.Invite(group), expires, links.Organizer(group)));
    }
}

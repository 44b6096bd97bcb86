using StudyBot.Groups;
using StudyBot.Telegram.Routing;

namespace StudyBot.Learners;

// /start, and the payloads of the deep links that open the bot: j_<code> joins a group,
// o_<code> makes the sender an organizer of one.
internal sealed class StartCommand(GroupJoining joining) : IBotCommand
{
    public string Name => "start";
    public CommandAudience Audience => CommandAudience.Learner;

    public Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var payload = context.Arguments.Trim();
        if (payload.StartsWith(GroupLinks.JoinPrefix, StringComparison.Ordinal))
        {
            return joining.JoinAsync(context, payload[GroupLinks.JoinPrefix.Length..], cancellationToken);
        }

        if (payload.StartsWith(GroupLinks.OrganizerPrefix, StringComparison.Ordinal))
        {
            return joining.BecomeOrganizerAsync(context, payload[GroupLinks.OrganizerPrefix.Length..], cancellationToken);
        }

        return joining.StartAsync(context, cancellationToken);
    }
}

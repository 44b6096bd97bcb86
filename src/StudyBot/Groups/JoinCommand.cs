using StudyBot.Localization;
using StudyBot.Telegram.Routing;

namespace StudyBot.Groups;

// The invite link's code, typed by hand: for a desktop client that does not open t.me links.
internal sealed class JoinCommand(GroupJoining joining, Texts texts) : IBotCommand
{
    public string Name => "join";
    public CommandAudience Audience => CommandAudience.Learner;

    public Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var code = context.Arguments.Trim();
        if (code.StartsWith(GroupLinks.JoinPrefix, StringComparison.Ordinal))
        {
            code = code[GroupLinks.JoinPrefix.Length..];
        }

        if (code.Length == 0)
        {
            context.Reply(texts.Get(context.Language, "JoinUsage"));
            return Task.CompletedTask;
        }

        return joining.JoinAsync(context, code, cancellationToken);
    }
}

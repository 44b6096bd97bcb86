using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;

namespace StudyBot.Reminders;

// /remind: nudges now everyone who got today's prompt and has not answered; says how many.
internal sealed class RemindCommand(ReminderService reminders, GroupAccess access, Texts texts) : IBotCommand
{
    public string Name => "remind";
    public CommandAudience Audience => CommandAudience.Organizer;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        // Null only for someone who stopped running a group since the router let the command in.
        if (await access.CurrentScopeAsync(context.UserId, cancellationToken) is not { } scope)
        {
            return;
        }

        var nudged = await reminders.RemindNowAsync(context.UserId, scope.GroupId, onlyChatIds: null, cancellationToken);
        context.Reply(nudged == 0 ? texts.Get(context.Language, "RemindNone") : texts.Get(context.Language, "RemindDone", nudged));
    }
}

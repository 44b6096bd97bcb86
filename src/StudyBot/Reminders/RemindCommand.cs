using StudyBot.Audit;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;

namespace StudyBot.Reminders;

// /remind: nudges now everyone who got today's prompt and has not answered; says how many.
internal sealed class RemindCommand(ReminderService reminders, AuditLog audit, Texts texts) : IBotCommand
{
    public string Name => "remind";
    public CommandAudience Audience => CommandAudience.Owner;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var nudged = await reminders.RemindNowAsync(cancellationToken);
        await audit.WriteAsync(context.Message.From?.Id ?? 0, AuditLog.Actions.Remind, $"{nudged} nudged", cancellationToken);
        context.Reply(nudged == 0 ? texts.Get(context.Language, "RemindNone") : texts.Get(context.Language, "RemindDone", nudged));
    }
}

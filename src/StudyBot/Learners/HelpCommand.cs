using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;

namespace StudyBot.Learners;

// Lists the commands registered in DI, so a new command appears here without editing this class.
internal sealed class HelpCommand(IServiceProvider services, GroupAccess access, Texts texts) : IBotCommand
{
    public string Name => "help";
    public CommandAudience Audience => CommandAudience.Learner;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var commands = services.GetServices<IBotCommand>().ToList();
        var builder = new StringBuilder(texts.Get(context.Language, "HelpHeader"));
        AppendSection(builder, commands.Where(c => c.Audience == CommandAudience.Learner), context.Language);
        var audience = await access.AudienceOfAsync(context.UserId, cancellationToken);
        var organizerCommands = commands.Where(c => c.Audience != CommandAudience.Learner && c.Audience <= audience).OrderBy(c => c.Audience).ToList();
        if (organizerCommands.Count > 0)
        {
            builder.Append("\n\n").Append(texts.Get(context.Language, "HelpAdminHeader"));
            AppendSection(builder, organizerCommands, context.Language);
        }

        builder.Append("\n\n").Append(texts.Get(context.Language, "HelpFooter"));
        context.Reply(builder.ToString());
    }

    private void AppendSection(StringBuilder builder, IEnumerable<IBotCommand> commands, string language)
    {
        foreach (var command in commands)
        {
            builder.Append("\n/").Append(command.Name).Append(" — ").Append(texts.Get(language, "Cmd_" + command.Name));
        }
    }
}

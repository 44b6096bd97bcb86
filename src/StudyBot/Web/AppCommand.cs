using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Web;

// /app: a button that opens the web app inside Telegram (the menu button does the same).
internal sealed class AppCommand(IOptions<AppOptions> app, Texts texts) : IBotCommand
{
    public string Name => "app";
    public CommandAudience Audience => CommandAudience.Learner;

    public Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (!app.Value.IsSetUp)
        {
            context.Reply(texts.Get(context.Language, "WebAppNotSetUp"));
            return Task.CompletedTask;
        }

        context.Reply(
            texts.Get(context.Language, "WebAppOpen"),
            new InlineKeyboardMarkup(InlineKeyboardButton.WithWebApp(texts.Get(context.Language, "WebAppButton"), new WebAppInfo(app.Value.WebAppUrl))));
        return Task.CompletedTask;
    }
}

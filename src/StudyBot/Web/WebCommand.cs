using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Web;

// /web: a one-time sign-in link for a browser; /web logout: every browser session of the user ends.
// The token rides in the link's fragment: browsers never send that part, so it reaches no server
// log and no link preview can use it up; the page hands it to the API itself.
internal sealed partial class WebCommand(IOptions<AppOptions> app, WebSessions sessions, Texts texts, ILogger<WebCommand> logger) : IBotCommand
{
    public string Name => "web";
    public CommandAudience Audience => CommandAudience.Learner;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (!app.Value.IsSetUp)
        {
            context.Reply(texts.Get(context.Language, "WebAppNotSetUp"));
            return;
        }

        switch (context.Arguments.Trim().ToLowerInvariant())
        {
            case "":
                var link = app.Value.WebAppUrl + "#login=" + await sessions.CreateLinkAsync(context.UserId, cancellationToken);
                context.Reply(
                    texts.Get(context.Language, "WebLink", (int)WebSessions.LinkValidity.TotalMinutes, link),
                    new InlineKeyboardMarkup(InlineKeyboardButton.WithUrl(texts.Get(context.Language, "WebLinkButton"), link)));
                return;
            case "logout":
                var ended = await sessions.EndAllAsync(context.UserId, cancellationToken);
                LogLoggedOut(context.UserId, ended);
                context.Reply(texts.Get(context.Language, "WebLoggedOut", ended));
                return;
            default:
                context.Reply(texts.Get(context.Language, "WebUsage"));
                return;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} ended their {Sessions} web sessions")]
    private partial void LogLoggedOut(long userId, int sessions);
}

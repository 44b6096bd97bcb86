using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Localization;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;

namespace StudyBot.Web;

// Where App:PublicUrl is set, the button beside every private chat's text field opens the web app.
// Without it the bot leaves the button alone (an operator may have set one with @BotFather).
// The bot works without it, so a failure is logged and the bot goes on.
internal sealed partial class WebAppMenuButton(ITelegramBotClient client, IOptions<AppOptions> app, IOptions<BotOptions> bot, Texts texts, ILogger<WebAppMenuButton> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!app.Value.IsSetUp)
        {
            return;
        }

        try
        {
            var button = new MenuButtonWebApp { Text = texts.Get(bot.Value.Language, "WebAppMenu"), WebApp = new WebAppInfo(app.Value.WebAppUrl) };
            await client.SetChatMenuButton(menuButton: button, cancellationToken: stoppingToken);
        }
        catch (Exception e) when (e is ApiRequestException or RequestException or HttpRequestException)
        {
            LogFailed(e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Setting the web app's menu button failed: {Reason}")]
    private partial void LogFailed(string reason);
}

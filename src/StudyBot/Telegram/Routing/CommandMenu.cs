using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Localization;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;

namespace StudyBot.Telegram.Routing;

// Telegram's "/" menu, set once at start-up from the registered commands: learner commands for
// everyone, learner and admin commands in each admin's own chat (a chat scope outranks the default).
// Each comes in Chinese, in English, and for every other user language in Bot:Language.
// The bot works without a menu, so a failure here is logged and start-up goes on.
internal sealed partial class CommandMenu(
    ITelegramBotClient client,
    IEnumerable<IBotCommand> commands,
    Texts texts,
    IOptions<BotOptions> options,
    ILogger<CommandMenu> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var all = commands.OrderBy(c => c.Audience).ToList();
            (string? Code, string Language)[] languages = [(null, options.Value.Language), ("zh", Languages.Chinese), ("en", Languages.English)];
            var admins = options.Value.AdminIds.Distinct().ToList();
            var failures = 0;
            foreach (var (code, language) in languages)
            {
                var learnerMenu = Menu(all.Where(c => c.Audience == CommandAudience.Learner), language);
                failures += await TrySetAsync(learnerMenu, BotCommandScope.Default(), "default", code, stoppingToken) ? 0 : 1;

                var adminMenu = Menu(all, language);
                foreach (var admin in admins)
                {
                    failures += await TrySetAsync(adminMenu, BotCommandScope.Chat(admin), $"chat {admin}", code, stoppingToken) ? 0 : 1;
                }
            }

            if (failures == 0)
            {
                LogSet(languages.Length, admins.Count);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCrashed(e);
        }
    }

    private List<BotCommand> Menu(IEnumerable<IBotCommand> menu, string language) =>
        menu.Select(c => new BotCommand(c.Name, texts.Get(language, "Cmd_" + c.Name))).ToList();

    private async Task<bool> TrySetAsync(List<BotCommand> menu, BotCommandScope scope, string scopeName, string? languageCode, CancellationToken cancellationToken)
    {
        try
        {
            await client.SetMyCommands(menu, scope, languageCode, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is ApiRequestException or RequestException or HttpRequestException)
        {
            LogFailed(scopeName, languageCode ?? "default", e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Command menus set in {Languages} languages for everyone and {Admins} admins")]
    private partial void LogSet(int languages, int admins);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Setting the command menu for {Scope} ({Language}) failed: {Reason}")]
    private partial void LogFailed(string scope, string language, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Setting the command menus failed")]
    private partial void LogCrashed(Exception exception);
}

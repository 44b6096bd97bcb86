using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Groups;
using StudyBot.Localization;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;

namespace StudyBot.Telegram.Routing;

// Telegram's "/" menu: learner commands for everyone; in an organizer's own chat also the
// organizer commands, in an owner's chat everything (a chat scope outranks the default). Set for
// all at start-up, and for one chat when its person becomes an organizer.
// Each comes in Chinese, in English, and for every other user language in Bot:Language.
// The bot works without a menu, so a failure here is logged and the bot goes on.
// The commands are read from the container when needed: /start, a command itself, uses this.
internal sealed partial class CommandMenus(
    ITelegramBotClient client,
    IServiceProvider services,
    GroupStore groups,
    Texts texts,
    IOptions<BotOptions> options,
    ILogger<CommandMenus> logger) : BackgroundService
{
    private readonly (string? Code, string Language)[] languages = [(null, options.Value.Language), ("zh", Languages.Chinese), ("en", Languages.English)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var owners = options.Value.AdminIds.Distinct().ToList();
            var organizers = (await groups.AllOrganizersAsync(stoppingToken)).Except(owners).ToList();
            var failures = 0;
            foreach (var (code, language) in languages)
            {
                failures += await TrySetAsync(Menu(CommandAudience.Learner, language), BotCommandScope.Default(), "default", code, stoppingToken) ? 0 : 1;
                foreach (var owner in owners)
                {
                    failures += await TrySetAsync(Menu(CommandAudience.Owner, language), BotCommandScope.Chat(owner), $"chat {owner}", code, stoppingToken) ? 0 : 1;
                }

                foreach (var organizer in organizers)
                {
                    failures += await TrySetAsync(Menu(CommandAudience.Organizer, language), BotCommandScope.Chat(organizer), $"chat {organizer}", code, stoppingToken) ? 0 : 1;
                }
            }

            if (failures == 0)
            {
                LogSet(languages.Length, owners.Count, organizers.Count);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCrashed(e);
        }
    }

    // An owner's chat keeps the owner's menu.
    public async Task SetForOrganizerAsync(long chatId, CancellationToken cancellationToken)
    {
        if (options.Value.IsAdmin(chatId))
        {
            return;
        }

        foreach (var (code, language) in languages)
        {
            await TrySetAsync(Menu(CommandAudience.Organizer, language), BotCommandScope.Chat(chatId), $"chat {chatId}", code, cancellationToken);
        }
    }

    // Everything up to the given audience: learner commands first, then organizer, then owner commands.
    private List<BotCommand> Menu(CommandAudience upTo, string language) =>
        services.GetServices<IBotCommand>().Where(c => c.Audience <= upTo).OrderBy(c => c.Audience)
            .Select(c => new BotCommand(c.Name, texts.Get(language, "Cmd_" + c.Name))).ToList();

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Command menus set in {Languages} languages for everyone, {Owners} owners and {Organizers} organizers")]
    private partial void LogSet(int languages, int owners, int organizers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Setting the command menu for {Scope} ({Language}) failed: {Reason}")]
    private partial void LogFailed(string scope, string language, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Setting the command menus failed")]
    private partial void LogCrashed(Exception exception);
}

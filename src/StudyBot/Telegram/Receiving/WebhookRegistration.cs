using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using Telegram.Bot;
using Telegram.Bot.Types.Enums;

namespace StudyBot.Telegram.Receiving;

// Webhook mode: tells Telegram where to post, with the secret, retrying with backoff while the
// Bot API cannot be reached; the endpoint serves meanwhile. Updates left unhandled by the last run
// are taken up by InboxFollower.
internal sealed partial class WebhookRegistration(
    ITelegramBotClient client,
    BotIdentity identity,
    IOptions<TelegramOptions> options,
    ILogger<WebhookRegistration> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                identity.Username = (await client.GetMe(stoppingToken)).Username;
                await client.SetWebhook(
                    options.Value.WebhookUrl!,
                    secretToken: options.Value.WebhookSecret,
                    allowedUpdates: [UpdateType.Message, UpdateType.EditedMessage, UpdateType.CallbackQuery, UpdateType.MyChatMember],
                    dropPendingUpdates: false,
                    cancellationToken: stoppingToken);
                LogRegistered();
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var delay = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, failures)));
                LogFailed(e.Message, delay.TotalSeconds);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook registered with Telegram")]
    private partial void LogRegistered();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering the webhook failed ({Reason}); retrying in {DelaySeconds} s")]
    private partial void LogFailed(string reason, double delaySeconds);
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Hosting;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.Enums;

namespace StudyBot.Telegram.Receiving;

// Long polling with our own loop rather than ReceiveAsync: that one moves the offset before the
// handler runs and handles one update at a time. Here a batch is stored in the inbox first, then
// the offset moves (confirmed by the next getUpdates), then the batch is dispatched concurrently.
// Telegram allows one poller per token: with several instances only the leader polls.
// A new batch is asked for only when the lanes have room for it (ChatLanes.MaxInFlight):
// updates wait at Telegram, not in this process's memory.
internal sealed partial class PollingService(
    ITelegramBotClient client,
    Leadership leadership,
    UpdateInbox inbox,
    ChatLanes lanes,
    BotIdentity identity,
    IOptions<TelegramOptions> options,
    ILogger<PollingService> logger) : BackgroundService
{
    private static readonly UpdateType[] AllowedUpdates =
        [UpdateType.Message, UpdateType.EditedMessage, UpdateType.CallbackQuery, UpdateType.MyChatMember];

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        leadership.WhileLeadingAsync("Polling", (leading, _) => PollAsync(leading), stoppingToken);

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        await LearnIdentityAsync(stoppingToken);

        await lanes.ReplayUnhandledAsync(stoppingToken);

        int? offset = null;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var room = await lanes.WaitForRoomAsync(stoppingToken);
                var updates = await client.GetUpdates(offset, limit: Math.Min(100, room), timeout: options.Value.PollTimeoutSeconds, allowedUpdates: AllowedUpdates, cancellationToken: stoppingToken);
                failures = 0;
                if (updates.Length == 0)
                {
                    continue;
                }

                var fresh = await inbox.StoreAsync(updates, stoppingToken);
                offset = updates.Max(u => u.Id) + 1;
                foreach (var update in fresh)
                {
                    await lanes.EnqueueAsync(update, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The library retries a failing getUpdates with no delay at all; back off here.
                failures++;
                await BackOffAsync(e, failures, stoppingToken);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await lanes.DrainAsync(cancellationToken);
    }

    private async Task LearnIdentityAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var me = await client.GetMe(stoppingToken);
                identity.Username = me.Username;

                // A webhook left set (by a webhook-mode run) makes getUpdates answer 409; pending updates stay.
                await client.DeleteWebhook(dropPendingUpdates: false, cancellationToken: stoppingToken);
                LogConnected(me.Username ?? "?");
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures++;
                await BackOffAsync(e, failures, stoppingToken);
            }
        }
    }

    // Expected trouble (network, Telegram's own errors) is one quiet line; anything else keeps its stack.
    private async Task BackOffAsync(Exception exception, int failures, CancellationToken stoppingToken)
    {
        var delay = Backoff(failures);
        switch (exception)
        {
            case ApiRequestException { ErrorCode: 401 or 404 }:
                LogTokenRejected(delay.TotalSeconds);
                break;
            case ApiRequestException or RequestException or HttpRequestException:
                LogPollFailed(exception.Message, delay.TotalSeconds);
                break;
            default:
                LogPollCrashed(exception, delay.TotalSeconds);
                break;
        }

        await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures, 10)) * (0.75 + Random.Shared.NextDouble() / 2)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to Telegram as @{Username}")]
    private partial void LogConnected(string username);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling failed ({Reason}); retrying in {DelaySeconds:F1} s")]
    private partial void LogPollFailed(string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling failed; retrying in {DelaySeconds:F1} s")]
    private partial void LogPollCrashed(Exception exception, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Telegram rejected the bot token: check Telegram:BotToken; retrying in {DelaySeconds:F1} s")]
    private partial void LogTokenRejected(double delaySeconds);
}

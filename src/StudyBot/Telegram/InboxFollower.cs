using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StudyBot.Hosting;

namespace StudyBot.Telegram;

// Webhook mode: at start-up the leader takes up what the last run left unhandled. With several
// instances Telegram posts to any of them, each stores the update in the shared inbox, and the
// leader takes up what the others stored: a short poll of the inbox's unhandled index is enough.
// The leader's own posts are handled at once, without waiting for it.
public sealed partial class InboxFollower(Leadership leadership, UpdateDispatcher dispatcher, ILogger<InboxFollower> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var term = await leadership.WaitUntilLeadingAsync(stoppingToken);
                using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term);
                while (!leading.IsCancellationRequested)
                {
                    await dispatcher.ReplayUnhandledAsync(leading.Token);
                    await Task.Delay(Interval, leading.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                LogFailed(e);
                await Task.Delay(Interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    // Lets the queued updates finish; what does not finish stays in the inbox for the next start.
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await dispatcher.DrainAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Taking up stored updates failed; trying again shortly")]
    private partial void LogFailed(Exception exception);
}

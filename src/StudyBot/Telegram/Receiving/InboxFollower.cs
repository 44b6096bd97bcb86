using Microsoft.Extensions.Hosting;
using StudyBot.Hosting;

namespace StudyBot.Telegram.Receiving;

// Webhook mode: at start-up the leader takes up what the last run left unhandled. With several
// instances Telegram posts to any of them, each stores the update in the shared inbox, and the
// leader takes up what the others stored: a short poll of the inbox's unhandled index is enough.
// The leader's own posts are handled at once, without waiting for it.
internal sealed class InboxFollower(Leadership leadership, ChatLanes lanes) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        leadership.WhileLeadingAsync("Taking up stored updates", async (leading, _) =>
        {
            while (true)
            {
                await lanes.ReplayUnhandledAsync(leading);
                await Task.Delay(Interval, leading);
            }
        }, stoppingToken);

    // Lets the queued updates finish; what does not finish stays in the inbox for the next start.
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await lanes.DrainAsync(cancellationToken);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using StudyBot.Localization;
using StudyBot.Outbox;
using StudyBot.Telegram.Sending;

namespace StudyBot.Broadcasts;

// Edits each running broadcast's status message with sent / total at most every few seconds,
// and writes the final counts once nothing of it is left in the outbox. Driven by the outbox
// sender as one of its listeners (after each recorded batch and when idle), so a broadcast
// resumed after a crash is reported and finished the same way.
internal sealed class BroadcastProgress(BroadcastStore broadcasts, BotMessenger messenger, Texts texts) : IOutboxListener, IDisposable
{
    private static readonly long Interval = Stopwatch.Frequency * 3;
    private readonly ConcurrentDictionary<long, long> lastReport = new();
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private long lastScan;

    public async Task ReportAsync(bool force, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        if (!force && now - Interlocked.Read(ref lastScan) < Stopwatch.Frequency / 2)
        {
            return;
        }

        if (!await oneAtATime.WaitAsync(0, cancellationToken))
        {
            return;
        }

        try
        {
            Interlocked.Exchange(ref lastScan, now);
            foreach (var broadcast in await broadcasts.ListSendingAsync(cancellationToken))
            {
                var counts = await broadcasts.CountAsync(broadcast.Id, cancellationToken);
                var language = broadcast.Language;
                if (counts.Pending == 0)
                {
                    if (await broadcasts.TryFinishAsync(broadcast.Id, counts, cancellationToken))
                    {
                        var done = texts.Get(language, "BroadcastDone", broadcast.Id, counts.Delivered, counts.Blocked, counts.Failed, broadcast.Total);
                        await ShowAsync(broadcast, done, cancellationToken);
                        lastReport.TryRemove(broadcast.Id, out _);
                    }

                    continue;
                }

                if (force || now - lastReport.GetValueOrDefault(broadcast.Id) >= Interval)
                {
                    lastReport[broadcast.Id] = now;
                    var sent = counts.Delivered + counts.Blocked + counts.Failed;
                    await ShowAsync(broadcast, texts.Get(language, "BroadcastSending", broadcast.Id, sent, broadcast.Total), cancellationToken);
                }
            }
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    public Task OnRecordedAsync(IReadOnlyList<OutboxResult> results, CancellationToken cancellationToken) =>
        results.Any(r => r.BroadcastId is not null) ? ReportAsync(force: false, cancellationToken) : Task.CompletedTask;

    public Task OnIdleAsync(CancellationToken cancellationToken) => ReportAsync(force: false, cancellationToken);

    public void Dispose() => oneAtATime.Dispose();

    private async Task ShowAsync(Broadcast broadcast, string text, CancellationToken cancellationToken)
    {
        if (broadcast.StatusMessageId is { } messageId)
        {
            await messenger.EditTextAsync(broadcast.AdminChatId, messageId, text, null, cancellationToken);
        }
        else
        {
            await messenger.SendTextAsync(broadcast.AdminChatId, text, cancellationToken);
        }
    }
}

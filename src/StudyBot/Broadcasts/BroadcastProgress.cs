using System.Collections.Concurrent;
using System.Diagnostics;
using StudyBot.Localization;
using StudyBot.Outbox;
using StudyBot.Telegram.Sending;

namespace StudyBot.Broadcasts;

// Edits each running broadcast's status message with sent / total at most every few seconds, and
// writes the final counts as soon as the last copy is recorded. Driven by the outbox sender as one
// of its listeners (after each recorded batch and when idle), so a broadcast resumed after a crash
// is reported and finished the same way.
internal sealed class BroadcastProgress(BroadcastStore broadcasts, BotMessenger messenger, Texts texts) : IOutboxListener, IDisposable
{
    private static readonly long Interval = Stopwatch.Frequency * 3;
    private readonly ConcurrentDictionary<long, long> lastReport = new();

    // Telegram refuses an edit that changes nothing, so the text each status message shows is kept.
    private readonly ConcurrentDictionary<long, string> shown = new();

    // Copies not yet recorded, per broadcast: its last count less the outcomes recorded since. A
    // count reads all of a broadcast's rows, so a recorded batch counts only when this says the batch
    // may hold the last copies, or when the status message is due. A count taken when idle may
    // already include a batch not yet reported here; then this runs low, which costs an early count.
    private readonly ConcurrentDictionary<long, long> outstanding = new();

    // Broadcasts whose confirmer has yet to record the status message: a report would send a second.
    // Counted: a double click (two confirmers, one wins the claim) must not clear the winner's mark.
    private readonly ConcurrentDictionary<long, int> starting = new();
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private long lastScan;

    // Called before the broadcast is confirmed: from then on its copies may be recorded.
    public void Starting(long id) => starting.AddOrUpdate(id, 1, (_, confirmers) => confirmers + 1);

    // The confirmer is done, whether or not the status message went out; reports take over. The
    // winner says so twice (StartAsync, then when it returns): the count never goes below none.
    public void Started(long id)
    {
        while (starting.TryGetValue(id, out var confirmers)
            && !(confirmers <= 1 ? starting.TryRemove(new KeyValuePair<long, int>(id, confirmers)) : starting.TryUpdate(id, confirmers - 1, confirmers)))
        {
        }
    }

    // The confirmer's status message shows `text`: the next edit comes an interval later, and only
    // with other text. Then the broadcast is reported at once (one without recipients is done).
    public async Task StartAsync(long id, string text, CancellationToken cancellationToken)
    {
        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            shown[id] = text;
            lastReport[id] = Stopwatch.GetTimestamp();
            Started(id);
            if (await broadcasts.GetAsync(id, cancellationToken) is { Status: BroadcastStore.Status.Sending } broadcast)
            {
                await ReportAsync(broadcast, Stopwatch.GetTimestamp(), cancellationToken);
            }
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    // Waits for a report in progress instead of skipping: this batch may hold a broadcast's last copy.
    public async Task OnRecordedAsync(IReadOnlyList<OutboxResult> results, CancellationToken cancellationToken)
    {
        var recorded = results.Where(r => r.BroadcastId is not null).CountBy(r => r.BroadcastId!.Value).ToList();
        if (recorded.Count == 0)
        {
            return;
        }

        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var (id, count) in recorded)
            {
                if (outstanding.TryGetValue(id, out var left) && left > count && now - lastReport.GetValueOrDefault(id) < Interval)
                {
                    outstanding[id] = left - count;
                    continue;
                }

                if (await broadcasts.GetAsync(id, cancellationToken) is { Status: BroadcastStore.Status.Sending } broadcast)
                {
                    await ReportAsync(broadcast, now, cancellationToken);
                }
                else
                {
                    Forget(id);
                }
            }
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    // Finishes what no recorded batch will: a broadcast resumed with nothing left to send, one whose
    // last outcomes another leader recorded, one whose confirmer was at work when they were recorded.
    public async Task OnIdleAsync(CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        if (now - Interlocked.Read(ref lastScan) < Stopwatch.Frequency / 2 || !await oneAtATime.WaitAsync(0, cancellationToken))
        {
            return;
        }

        try
        {
            Interlocked.Exchange(ref lastScan, now);
            foreach (var broadcast in await broadcasts.ListSendingAsync(cancellationToken))
            {
                await ReportAsync(broadcast, now, cancellationToken);
            }
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    public void Dispose() => oneAtATime.Dispose();

    private async Task ReportAsync(Broadcast broadcast, long now, CancellationToken cancellationToken)
    {
        if (starting.ContainsKey(broadcast.Id))
        {
            return;
        }

        var counts = await broadcasts.CountAsync(broadcast.Id, cancellationToken);
        var language = broadcast.Language;
        outstanding[broadcast.Id] = counts.Pending;
        if (counts.Pending == 0)
        {
            if (await broadcasts.TryFinishAsync(broadcast.Id, counts, cancellationToken))
            {
                var done = texts.Get(language, "BroadcastDone", broadcast.Id, counts.Delivered, counts.Blocked, counts.Failed, broadcast.Total);
                await ShowAsync(broadcast, done, cancellationToken);
            }

            Forget(broadcast.Id);
            return;
        }

        if (now - lastReport.GetValueOrDefault(broadcast.Id) >= Interval)
        {
            lastReport[broadcast.Id] = now;
            var sent = counts.Delivered + counts.Blocked + counts.Failed;
            await ShowAsync(broadcast, texts.Get(language, "BroadcastSending", broadcast.Id, sent, broadcast.Total), cancellationToken);
        }
    }

    private async Task ShowAsync(Broadcast broadcast, string text, CancellationToken cancellationToken)
    {
        if (shown.TryGetValue(broadcast.Id, out var showing) && showing == text)
        {
            return;
        }

        if (broadcast.StatusMessageId is { } messageId)
        {
            if ((await messenger.EditTextAsync(broadcast.AdminChatId, messageId, text, null, cancellationToken)).Status == SendStatus.Sent)
            {
                shown[broadcast.Id] = text;
            }

            return;
        }

        // The confirmer died before it recorded a status message: this one is the status message.
        var outcome = await messenger.SendTextAsync(broadcast.AdminChatId, text, cancellationToken);
        if (outcome.MessageId is { } sentId)
        {
            await broadcasts.SetStatusMessageAsync(broadcast.Id, sentId, cancellationToken);
            broadcast.StatusMessageId = sentId;
            shown[broadcast.Id] = text;
        }
    }

    private void Forget(long id)
    {
        lastReport.TryRemove(id, out _);
        shown.TryRemove(id, out _);
        outstanding.TryRemove(id, out _);
    }
}

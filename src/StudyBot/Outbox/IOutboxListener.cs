namespace StudyBot.Outbox;

// How a feature that queues bulk messages follows them without the sender knowing the feature:
// the outcomes of every recorded batch, and a call whenever the sender has nothing left to claim
// (so a feature can finish what a restart resumed).
internal interface IOutboxListener
{
    Task OnRecordedAsync(IReadOnlyList<OutboxResult> results, CancellationToken cancellationToken);

    Task OnIdleAsync(CancellationToken cancellationToken);
}

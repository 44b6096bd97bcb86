using Quartz;
using StudyBot.Delivery;
using StudyBot.Digests;
using StudyBot.Groups;
using StudyBot.Reminders;
using StudyBot.Wall;

namespace StudyBot.Hosting;

// The schedule's one trigger: daily deliveries first, then the day's posts and walls in linked group chats,
// then the reminders now due (a reminder follows the prompt it is about), then weekly digests
// (the linked chats' after their walls: on Sunday a chat reads its day, then its week).
// One trigger rather than one per feature, because Quartz reschedules a misfired trigger on its
// own clock (the TimeProvider): frequent triggers make each other misfire whenever that clock jumps.
[DisallowConcurrentExecution]
internal sealed class ScheduleSweepJob(DeliverySweep deliveries, GroupChatPostSweep groupPosts, WallPostSweep walls, ReminderService reminders, DigestSweep digests, GroupDigestSweep groupDigests) : IJob
{
    // The key of the first version's job: a persistent store keeps its trigger under it.
    public static readonly JobKey Key = new("delivery-sweep");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await RunOnceAsync(cancellationToken);

    // Returns the deliveries claimed.
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var claimed = await deliveries.RunOnceAsync(cancellationToken);
        await groupPosts.RunOnceAsync(cancellationToken);
        await walls.RunOnceAsync(cancellationToken);
        await reminders.RunScheduledAsync(cancellationToken);
        await digests.RunOnceAsync(cancellationToken);
        await groupDigests.RunOnceAsync(cancellationToken);
        return claimed;
    }
}

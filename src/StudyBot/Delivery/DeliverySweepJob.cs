using Quartz;
using StudyBot.Digests;

namespace StudyBot.Delivery;

// The schedule's one trigger: daily deliveries first, then weekly digests. One trigger rather than
// one per pass, because Quartz reschedules a misfired trigger on its own clock (the TimeProvider):
// two frequent triggers make each other misfire whenever that clock jumps.
[DisallowConcurrentExecution]
public sealed class DeliverySweepJob(DeliverySweep sweep, DigestSweep digests) : IJob
{
    public static readonly JobKey Key = new("delivery-sweep");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await sweep.RunOnceAsync(cancellationToken);
        await digests.RunOnceAsync(cancellationToken);
    }
}

using Quartz;

namespace StudyBot.Delivery;

[DisallowConcurrentExecution]
public sealed class DeliverySweepJob(DeliverySweep sweep) : IJob
{
    public static readonly JobKey Key = new("delivery-sweep");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await sweep.RunOnceAsync(cancellationToken);
}

using Quartz;

namespace StudyBot.Digests;

[DisallowConcurrentExecution]
public sealed class DigestSweepJob(DigestSweep sweep) : IJob
{
    public static readonly JobKey Key = new("digest-sweep");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await sweep.RunOnceAsync(cancellationToken);
}

using StudyBot.Telegram.Routing;

namespace StudyBot.Tests.Infrastructure;

// "/hold": a command that waits until the test releases it, so a test can keep updates in the
// lanes for as long as it needs to look at them. Added to a bot with TestWorld.ExtraServices.
internal sealed class HeldCommand : IBotCommand
{
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int waiting;
    private int handled;

    public string Name => "hold";
    public CommandAudience Audience => CommandAudience.Learner;
    public int Waiting => Volatile.Read(ref waiting);
    public int Handled => Volatile.Read(ref handled);

    public void Release() => released.TrySetResult();

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref waiting);
        await released.Task.WaitAsync(cancellationToken);
        Interlocked.Decrement(ref waiting);
        Interlocked.Increment(ref handled);
    }
}

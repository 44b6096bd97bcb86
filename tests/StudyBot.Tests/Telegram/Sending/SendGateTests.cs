using System.Diagnostics;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Telegram.Sending;

namespace StudyBot.Tests.Telegram.Sending;

public sealed class SendGateTests
{
    private static SendGate Gate(int perSecond = 30) =>
        new(Options.Create(new TelegramOptions { MaxMessagesPerSecond = perSecond, EnforceLimits = true }));

    [Fact]
    public async Task A_chats_next_turn_comes_a_second_after_its_last_answer()
    {
        await using var gate = Gate();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var first = await gate.WaitTurnAsync(7, SendPriority.Interactive, cancellation.Token);
        var answered = Stopwatch.StartNew();
        first.Dispose();

        using var second = await gate.WaitTurnAsync(7, SendPriority.Interactive, cancellation.Token);

        Assert.True(answered.Elapsed >= TimeSpan.FromSeconds(1), $"{answered.Elapsed}");
    }

    [Fact]
    public async Task Interactive_turns_go_before_waiting_bulk_turns()
    {
        await using var gate = Gate(perSecond: 2);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using (await gate.WaitTurnAsync(1, SendPriority.Bulk, cancellation.Token))
        {
        }

        var bulk = gate.WaitTurnAsync(2, SendPriority.Bulk, cancellation.Token).AsTask();
        var interactive = gate.WaitTurnAsync(3, SendPriority.Interactive, cancellation.Token).AsTask();
        var first = await Task.WhenAny(bulk, interactive);

        Assert.Same(interactive, first);
        (await bulk).Dispose();
        (await interactive).Dispose();
    }

    [Fact]
    public async Task Bulk_sends_keep_a_share_of_the_rate_while_replies_are_waiting_for_every_turn()
    {
        await using var gate = Gate(perSecond: 30);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var replies = Enumerable.Range(1, 20).Select(chat => gate.WaitTurnAsync(chat, SendPriority.Interactive, cancellation.Token).AsTask()).ToList();
        var bulk = gate.WaitTurnAsync(1000, SendPriority.Bulk, cancellation.Token).AsTask();

        var order = new List<Task<SendTicket>>();
        var pending = replies.Append(bulk).ToList();
        while (!bulk.IsCompleted || order.Count < 6)
        {
            var next = await Task.WhenAny(pending);
            pending.Remove(next);
            order.Add(next);
            (await next).Dispose();
        }

        // Four replies, then the bulk send, although fifteen more replies were still waiting.
        Assert.Equal(4, order.IndexOf(bulk));
        foreach (var rest in pending)
        {
            (await rest).Dispose();
        }
    }
}

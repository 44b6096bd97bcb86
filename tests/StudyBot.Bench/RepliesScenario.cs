using System.Diagnostics;
using Telegram.Bot.Types;

namespace StudyBot.Bench;

// Each learner sends /start, /today and ten reflections; all 12·N updates of a round are queued at
// once, interleaved across learners, and every one should get exactly one bot message.
// Two rounds on one bot process, each with N learners of its own: the first meets a bot that has
// just started (the runtime still compiles its code), the second the same bot warm, as it runs for
// days. The targets are for the warm round; the cold one is printed beside it.
// With a flood, a third round follows on the warm bot: N more learners, their updates queued behind
// a flood of texts from one learner of the first round. The others' p99 must stay within 20% of the
// warm round's: one chat cannot slow the others.
internal static class RepliesScenario
{
    private const int UpdatesPerLearner = 12;

    // Between the rounds: the runtime recompiles hot methods in the background once calls quiet down.
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    // The flooder is learner 1, subscribed in the cold round.
    private const long Flooder = 1;

    public static async Task<Report> RunAsync(int learners, int delayMs, int flood = 0)
    {
        var title = $"replies: {learners:N0} learners x {UpdatesPerLearner} updates, delay {delayMs} ms on every answer, limits off; a cold round, then a warm one";
        var report = new Report(flood > 0 ? $"{title}, then a warm one behind {flood:N0} texts from one learner" : title);
        var received = new MessageLog(3 * learners);

        await using var fake = await FakeTelegram.StartAsync(TimeSpan.FromMilliseconds(delayMs), enforceLimits: false);
        fake.Observer = received.Add;
        using var database = BenchDatabase.Create();
        await using var bot = await BotProcess.StartPollingAsync(fake, new BotSettings(fake.BaseUrl, database, EnforceLimits: false), database.Folder);

        var cold = await RunRoundAsync(fake, bot, received, firstChat: 1, learners, delayMs);
        Round? warm = null;
        if (cold.Complete)
        {
            await Task.Delay(SettleTime);
            warm = await RunRoundAsync(fake, bot, received, firstChat: learners + 1, learners, delayMs);
        }

        Round? flooded = null;
        if (flood > 0 && warm is { Complete: true })
        {
            await Task.Delay(SettleTime);
            received.SetAside(Flooder);
            var texts = Enumerable.Range(1, flood).Select(i => new Update { Message = fake.UserText(Flooder, TextOf(2 + (i % 10), Flooder)) });
            flooded = await RunRoundAsync(fake, bot, received, firstChat: 2 * learners + 1, learners, delayMs, before: texts);
        }

        // A moment more, so a second answer to some update is seen too.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var isBaseline = delayMs == 0;
        var rateTarget = isBaseline ? 4000 : delayMs == 50 ? 1100 : (int?)null;
        foreach (var (name, round, kindsAfter) in new[] { ("cold", cold, warm?.KindsBefore ?? received.Kinds), ("warm", warm, flooded?.KindsBefore ?? received.Kinds), ("flooded", flooded, received.Kinds) })
        {
            if (round is null)
            {
                continue;
            }

            if (!round.Complete)
            {
                report.Fail($"{name} round timed out with {round.Total:N0} of {round.Expected:N0} bot messages");
            }

            var (exact, missing, extra) = received.PerChatCounts(round.FirstChat, learners, UpdatesPerLearner);
            var kinds = kindsAfter - round.KindsBefore;
            report.Check($"{name}: bot messages", round.Complete && missing == 0 && extra == 0,
                $"{round.Total:N0} of {round.Expected:N0}; chats with 12: {exact:N0}, fewer: {missing:N0}, more: {extra:N0}");
            report.Check($"{name}: answers by kind", kinds.Welcome == learners && kinds.Prompt == learners && kinds.Saved == learners * 10 && kinds.Other == 0,
                $"welcome {kinds.Welcome:N0}, prompt {kinds.Prompt:N0}, saved {kinds.Saved:N0}, apology {kinds.Apology:N0}, other {kinds.Other:N0}");

            // The target is the rate of a running bot; the first seconds after a start are shown, not judged.
            var judged = name == "warm";
            report.Figure($"{name}: updates/s end to end", Report.Number(round.Rate), judged && rateTarget is { } t ? $">= {t:N0}" : "", judged && rateTarget is not null ? round.Rate >= rateTarget : null);
            report.Figure($"{name}: wall time", $"{round.Seconds:F2} s (first update handed out -> last bot message)");
            report.Figure($"{name}: latency p50", $"{Percentiles.Of(round.Latencies, 50):F1} ms");
            report.Figure($"{name}: latency p99", $"{Percentiles.Of(round.Latencies, 99):F1} ms", judged && isBaseline ? "< 100 ms" : "", judged && isBaseline ? Percentiles.Of(round.Latencies, 99) < 100 : null);
            report.Figure($"{name}: latency max", $"{(round.Latencies.Length > 0 ? round.Latencies[^1] : double.NaN):F1} ms ({round.Latencies.Length:N0} samples)");
            Scenarios.AddCpuFigures(report, round.CpuBefore, round.CpuAfter, $"{name}: CPU while measured");
        }

        if (flooded is not null && warm is not null)
        {
            var (quietP99, floodedP99) = (Percentiles.Of(warm.Latencies, 99), Percentiles.Of(flooded.Latencies, 99));
            report.Figure("flooded: p99 against warm", $"{floodedP99:F1} ms vs {quietP99:F1} ms", "<= 120%", floodedP99 <= quietP99 * 1.2);
            report.Figure("flooded: answers to the flooder", $"{received.SetAsideCount:N0} for {flood:N0} texts");
        }

        report.Check("bot messages to other chats", received.Stray == 0, $"{received.Stray}");
        Scenarios.AddBotFigures(report, bot, fake, memoryTargetMb: 100);
        return report;
    }

    private static async Task<Round> RunRoundAsync(FakeTelegram fake, BotProcess bot, MessageLog received, int firstChat, int learners, int delayMs, IEnumerable<Update>? before = null)
    {
        var expected = learners * UpdatesPerLearner;
        var kindsBefore = received.Kinds;
        var totalBefore = received.Total;

        // Update r·N + i is learner i's r-th, so one learner's updates stay in order.
        var updates = new List<Update>(expected);
        for (var round = 0; round < UpdatesPerLearner; round++)
        {
            for (var chatId = firstChat; chatId < firstChat + learners; chatId++)
            {
                updates.Add(new Update { Message = fake.UserText(chatId, TextOf(round, chatId)) });
            }
        }

        var answered = received.Reached(totalBefore + expected);
        if (before is not null)
        {
            fake.Enqueue(before);
        }

        var firstUpdateId = fake.Enqueue(updates);
        var cpuBefore = bot.SampleCpu();
        var timeout = TimeSpan.FromSeconds(60 + expected * (delayMs > 0 ? 0.02 : 0.01));
        var complete = await bot.TryWaitAsync(answered, timeout, $"{expected:N0} bot messages");
        var cpuAfter = bot.SampleCpu();
        var lastArrival = received.LastArrival;

        var latencies = new List<double>(expected);
        for (var i = 0; i < learners; i++)
        {
            for (var k = 1; k <= UpdatesPerLearner; k++)
            {
                var handedOut = fake.HandedOutAt(firstUpdateId + (k - 1) * learners + i);
                var arrived = received.ArrivalOf(firstChat + i, k);
                if (handedOut != 0 && arrived != 0)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(handedOut, arrived).TotalMilliseconds);
                }
            }
        }

        var seconds = Stopwatch.GetElapsedTime(fake.HandedOutAt(firstUpdateId), lastArrival).TotalSeconds;
        return new Round(firstChat, expected, received.Total - totalBefore, complete, seconds, [.. latencies.Order()], kindsBefore, cpuBefore, cpuAfter);
    }

    // KindsBefore: the answers counted when the round began; the round's own are those counted by the
    // next round's start (or the end of the run), so a late second answer is seen too.
    private sealed record Round(int FirstChat, int Expected, int Total, bool Complete, double Seconds, double[] Latencies, Kinds KindsBefore, CpuSample CpuBefore, CpuSample CpuAfter)
    {
        public double Rate => Expected / Seconds;
    }

    private readonly record struct Kinds(int Welcome, int Prompt, int Saved, int Apology, int Other)
    {
        public static Kinds operator -(Kinds a, Kinds b) =>
            new(a.Welcome - b.Welcome, a.Prompt - b.Prompt, a.Saved - b.Saved, a.Apology - b.Apology, a.Other - b.Other);
    }

    private static string TextOf(int round, long chatId) => round switch
    {
        0 => "/start",
        1 => "/today",
        _ => $"Reflection {round - 1} of learner {chatId}: the grape and the fig ripen slowly, and so does understanding.",
    };

    // Bot messages per chat, recorded on the fake's request threads without locks.
    private sealed class MessageLog(int chats)
    {
        private readonly int[] counts = new int[chats];
        private readonly long[] arrivals = new long[chats * UpdatesPerLearner];
        private Goal goal = new(int.MaxValue, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        private int total;
        private int stray;
        private long setAside = -1;
        private int setAsideCount;
        private int welcome;
        private int prompt;
        private int saved;
        private int apology;
        private int other;
        private long lastArrival;

        public int Total => Volatile.Read(ref total);
        public int Stray => Volatile.Read(ref stray);
        public int SetAsideCount => Volatile.Read(ref setAsideCount);

        // From now on this chat's messages are counted apart (a flooder's answers are not a round's).
        public void SetAside(long chatId) => Interlocked.Exchange(ref setAside, chatId);
        public Kinds Kinds => new(Volatile.Read(ref welcome), Volatile.Read(ref prompt), Volatile.Read(ref saved), Volatile.Read(ref apology), Volatile.Read(ref other));
        public long LastArrival => Interlocked.Read(ref lastArrival);

        // Completes once `count` bot messages arrived in all; one round waits at a time. The count and
        // its task are replaced together, so a late message of the last round cannot end the next one.
        public Task Reached(int count)
        {
            var next = new Goal(count, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            Volatile.Write(ref goal, next);
            if (Total >= count)
            {
                next.Done.TrySetResult();
            }

            return next.Done.Task;
        }

        public void Add(BotMessage message)
        {
            if (message.Action != BotAction.Send)
            {
                return;
            }

            if (message.ChatId == Interlocked.Read(ref setAside))
            {
                Interlocked.Increment(ref setAsideCount);
                return;
            }

            if (message.ChatId < 1 || message.ChatId > counts.Length)
            {
                Interlocked.Increment(ref stray);
                return;
            }

            Interlocked.Increment(ref Kind(message.Text));
            var index = (int)message.ChatId - 1;
            var k = Interlocked.Increment(ref counts[index]);
            if (k <= UpdatesPerLearner)
            {
                arrivals[index * UpdatesPerLearner + k - 1] = message.At;
            }

            long seen;
            while (message.At > (seen = Interlocked.Read(ref lastArrival)) && Interlocked.CompareExchange(ref lastArrival, message.At, seen) != seen)
            {
            }

            var current = Volatile.Read(ref goal);
            if (Interlocked.Increment(ref total) >= current.Count)
            {
                current.Done.TrySetResult();
            }
        }

        private sealed record Goal(int Count, TaskCompletionSource Done);

        public long ArrivalOf(long chatId, int k) => Volatile.Read(ref arrivals[(chatId - 1) * UpdatesPerLearner + k - 1]);

        public (int Exact, int Fewer, int More) PerChatCounts(int firstChat, int chats, int expected)
        {
            var (exact, fewer, more) = (0, 0, 0);
            foreach (var count in counts.AsSpan(firstChat - 1, chats))
            {
                if (count == expected)
                {
                    exact++;
                }
                else if (count < expected)
                {
                    fewer++;
                }
                else
                {
                    more++;
                }
            }

            return (exact, fewer, more);
        }

        // The answers expected: one welcome per /start, one prompt per /today, one confirmation per reflection.
        private ref int Kind(string text)
        {
            if (text.StartsWith("已保存你的感想", StringComparison.Ordinal))
            {
                return ref saved;
            }

            if (text.StartsWith("主题：", StringComparison.Ordinal))
            {
                return ref prompt;
            }

            if (text.StartsWith("欢迎使用", StringComparison.Ordinal))
            {
                return ref welcome;
            }

            if (text.StartsWith("抱歉", StringComparison.Ordinal))
            {
                return ref apology;
            }

            return ref other;
        }
    }
}

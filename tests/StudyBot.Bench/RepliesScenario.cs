using System.Diagnostics;
using Telegram.Bot.Types;

namespace StudyBot.Bench;

// Each learner (private chats 1..N) sends /start, /today and ten reflections; all 12·N updates are
// queued at once, interleaved across learners, and every one should get exactly one bot message.
internal static class RepliesScenario
{
    private const int UpdatesPerLearner = 12;

    public static async Task<Report> RunAsync(int learners, int delayMs)
    {
        var report = new Report($"replies: {learners:N0} learners x {UpdatesPerLearner} updates, delay {delayMs} ms on every answer, limits off");
        var expected = learners * UpdatesPerLearner;
        var received = new MessageLog(learners);

        await using var fake = await FakeTelegram.StartAsync(TimeSpan.FromMilliseconds(delayMs), enforceLimits: false);
        fake.Observer = received.Add;
        using var database = BenchDatabase.Create();
        await using var bot = await BotProcess.StartPollingAsync(fake, new BotSettings(fake.BaseUrl, database, EnforceLimits: false), database.Folder);

        // Round r holds every learner's r-th update, so one learner's updates stay in order.
        var updates = new List<Update>(expected);
        for (var round = 0; round < UpdatesPerLearner; round++)
        {
            for (var chatId = 1; chatId <= learners; chatId++)
            {
                updates.Add(new Update { Message = fake.UserText(chatId, TextOf(round, chatId)) });
            }
        }

        var firstUpdateId = fake.Enqueue(updates);
        var cpuBefore = bot.SampleCpu();
        var timeout = TimeSpan.FromSeconds(60 + expected * (delayMs > 0 ? 0.02 : 0.01));
        var complete = await bot.TryWaitAsync(received.Reached(expected), timeout, $"{expected:N0} bot messages");
        var cpuAfter = bot.SampleCpu();

        // A moment more, so a second answer to some update is seen too.
        await Task.Delay(TimeSpan.FromSeconds(1));
        if (!complete)
        {
            report.Fail($"timed out after {timeout.TotalSeconds:F0} s with {received.Total:N0} of {expected:N0} bot messages");
        }

        var firstHandOut = fake.HandedOutAt(firstUpdateId);
        var latencies = new List<double>(expected);
        for (var chatId = 1; chatId <= learners; chatId++)
        {
            for (var k = 1; k <= UpdatesPerLearner; k++)
            {
                var handedOut = fake.HandedOutAt(firstUpdateId + (k - 1) * learners + chatId - 1);
                var arrived = received.ArrivalOf(chatId, k);
                if (handedOut != 0 && arrived != 0)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(handedOut, arrived).TotalMilliseconds);
                }
            }
        }

        var sorted = latencies.Order().ToArray();
        var seconds = Stopwatch.GetElapsedTime(firstHandOut, received.LastArrival).TotalSeconds;
        var rate = expected / seconds;
        var (exact, missing, extra) = received.PerChatCounts(UpdatesPerLearner);

        report.Check("bot messages", complete && missing == 0 && extra == 0 && received.Stray == 0,
            $"{received.Total:N0} of {expected:N0}; chats with 12: {exact:N0}, fewer: {missing:N0}, more: {extra:N0}, other chats: {received.Stray}");
        report.Check("answers by kind", received.Welcome == learners && received.Prompt == learners && received.Saved == learners * 10 && received.Other == 0,
            $"welcome {received.Welcome:N0}, prompt {received.Prompt:N0}, saved {received.Saved:N0}, apology {received.Apology:N0}, other {received.Other:N0}");
        var isBaseline = delayMs == 0;
        var rateTarget = isBaseline ? 4000 : delayMs == 50 ? 1100 : (int?)null;
        report.Figure("updates/s end to end", Report.Number(rate), rateTarget is { } t ? $">= {t:N0}" : "", rateTarget is null ? null : rate >= rateTarget);
        report.Figure("wall time", $"{seconds:F2} s (first update handed out -> last bot message)");
        report.Figure("latency p50", $"{Percentiles.Of(sorted, 50):F1} ms");
        report.Figure("latency p99", $"{Percentiles.Of(sorted, 99):F1} ms", isBaseline ? "< 100 ms" : "", isBaseline ? Percentiles.Of(sorted, 99) < 100 : null);
        report.Figure("latency max", $"{(sorted.Length > 0 ? sorted[^1] : double.NaN):F1} ms");
        report.Figure("latency samples", $"{sorted.Length:N0}");
        Scenarios.AddCpuFigures(report, cpuBefore, cpuAfter);
        Scenarios.AddBotFigures(report, bot, fake, memoryTargetMb: 100);
        return report;
    }

    private static string TextOf(int round, long chatId) => round switch
    {
        0 => "/start",
        1 => "/today",
        _ => $"Reflection {round - 1} of learner {chatId}: the grape and the fig ripen slowly, and so does understanding.",
    };

    // Bot messages per chat, recorded on the fake's request threads without locks.
    private sealed class MessageLog(int learners)
    {
        private readonly int[] counts = new int[learners];
        private readonly long[] arrivals = new long[learners * UpdatesPerLearner];
        private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int target = int.MaxValue;
        private int total;
        private int stray;
        private int welcome;
        private int prompt;
        private int saved;
        private int apology;
        private int other;
        private long lastArrival;

        public int Total => Volatile.Read(ref total);
        public int Stray => Volatile.Read(ref stray);
        public int Welcome => Volatile.Read(ref welcome);
        public int Prompt => Volatile.Read(ref prompt);
        public int Saved => Volatile.Read(ref saved);
        public int Apology => Volatile.Read(ref apology);
        public int Other => Volatile.Read(ref other);
        public long LastArrival => Interlocked.Read(ref lastArrival);

        public Task Reached(int count)
        {
            Volatile.Write(ref target, count);
            if (Total >= count)
            {
                reached.TrySetResult();
            }

            return reached.Task;
        }

        public void Add(BotMessage message)
        {
            if (message.Action != BotAction.Send)
            {
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

            if (Interlocked.Increment(ref total) >= Volatile.Read(ref target))
            {
                reached.TrySetResult();
            }
        }

        public long ArrivalOf(long chatId, int k) => Volatile.Read(ref arrivals[(chatId - 1) * UpdatesPerLearner + k - 1]);

        public (int Exact, int Fewer, int More) PerChatCounts(int expected)
        {
            var (exact, fewer, more) = (0, 0, 0);
            foreach (var count in counts)
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

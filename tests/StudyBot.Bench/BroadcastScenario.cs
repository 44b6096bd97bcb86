using System.Diagnostics;
using Telegram.Bot.Types;

namespace StudyBot.Bench;

// N active learners (chats 1..N) are seeded straight into the database; the admin (not a learner)
// sends /broadcast, presses the preview's send button, and every learner should get one copy.
internal static class BroadcastScenario
{
    public const long AdminId = 999_999_999;
    private const string FinishedMarker = "已完成";

    public static async Task<Report> RunAsync(int learners, bool limits)
    {
        var report = new Report($"broadcast: {learners:N0} recipients, limits {(limits ? "on (bot keeps them, fake enforces them)" : "off")}");
        var recipients = new RecipientLog(learners);
        var admin = new AdminChat();

        await using var fake = await FakeTelegram.StartAsync(TimeSpan.Zero, limits);
        fake.Observer = message =>
        {
            if (message.ChatId == AdminId)
            {
                admin.Add(message);
            }
            else if (message.Action == BotAction.Send)
            {
                recipients.Add(message);
            }
        };
        using var database = BenchDatabase.Create();
        var settings = new BotSettings(fake.BaseUrl, database, limits, AdminId);

        // The schema is the bot's own: one start creates it, then learners are written while it is stopped.
        await using (await BotProcess.StartPollingAsync(fake, settings, database.Folder))
        {
        }

        var seedSeconds = database.SeedLearners(learners, nextDeliveryUtc: null);
        await using var bot = await BotProcess.StartPollingAsync(fake, settings, database.Folder);

        fake.Enqueue([new Update { Message = fake.UserText(AdminId, "/broadcast Bench notice") }]);
        await bot.WaitAsync(admin.ButtonShown, TimeSpan.FromSeconds(30), "the broadcast preview with its send button");
        var preview = admin.Preview!.Value;
        var cpuBefore = bot.SampleCpu();
        var pressedAt = cpuBefore.At;
        fake.Enqueue([new Update { CallbackQuery = FakeTelegram.ButtonPress(preview, AdminId, preview.FirstCallbackData!) }]);

        var timeout = TimeSpan.FromSeconds(60 + learners / (limits ? 10.0 : 100.0));
        var complete = await bot.TryWaitAsync(Task.WhenAll(recipients.AllReached, admin.Finished), timeout, "every recipient's copy and the final report");
        var cpuAfter = bot.SampleCpu();

        // A moment more, so a late second copy is counted too.
        await Task.Delay(TimeSpan.FromSeconds(1));
        if (!complete)
        {
            report.Fail($"timed out after {timeout.TotalSeconds:F0} s: {recipients.Reached:N0} of {learners:N0} recipients reached, final report {(admin.Finished.IsCompleted ? "seen" : "not seen")}");
        }

        var (none, once, twiceOrMore) = recipients.Copies();
        var span = Stopwatch.GetElapsedTime(recipients.FirstAt, recipients.LastAt).TotalSeconds;
        var rate = recipients.Reached / span;
        var durable = database.Count("SELECT COUNT(*) FROM outbox WHERE status = 'sent'");

        report.Check("recipients with exactly 1 copy", none == 0 && twiceOrMore == 0, $"{once:N0} of {learners:N0}; 0 copies: {none:N0}, 2+ copies: {twiceOrMore:N0}");
        report.Figure("first -> last recipient", $"{span:F2} s");
        report.Figure("sustained rate", $"{Report.Number(rate, "N1")} msg/s", limits ? ">= 28.5" : ">= 5,000", rate >= (limits ? 28.5 : 5000));
        report.Figure("429 answers from the fake", $"{fake.TooManyRequests:N0} (chat limit {fake.ChatLimitRefusals:N0}, 30/s limit {fake.GlobalLimitRefusals:N0})", limits ? "0" : "", limits ? fake.TooManyRequests == 0 : null);
        report.Figure("button press -> first copy", $"{Stopwatch.GetElapsedTime(pressedAt, recipients.FirstAt).TotalMilliseconds:F0} ms");
        report.Check("final report to the admin", admin.Finished.IsCompleted, admin.FinalText ?? "(none)");
        report.Check("outbox rows 'sent' = recipients", durable == learners, $"{durable:N0} = {learners:N0}");
        report.Figure("seeding", $"{learners:N0} learners in {seedSeconds:F1} s");
        Scenarios.AddCpuFigures(report, cpuBefore, cpuAfter);
        Scenarios.AddBotFigures(report, bot, fake, memoryTargetMb: null);
        return report;
    }

    // Copies per recipient, recorded on the fake's request threads without locks.
    private sealed class RecipientLog(int learners)
    {
        private readonly int[] copies = new int[learners];
        private readonly TaskCompletionSource allReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int reached;
        private long firstAt;
        private long lastAt;

        public Task AllReached => allReached.Task;
        public int Reached => Volatile.Read(ref reached);
        public long FirstAt => Interlocked.Read(ref firstAt);
        public long LastAt => Interlocked.Read(ref lastAt);

        public void Add(BotMessage message)
        {
            if (message.ChatId < 1 || message.ChatId > copies.Length || Interlocked.Increment(ref copies[message.ChatId - 1]) != 1)
            {
                return;
            }

            Interlocked.CompareExchange(ref firstAt, message.At, 0);
            long seen;
            while (message.At > (seen = Interlocked.Read(ref lastAt)) && Interlocked.CompareExchange(ref lastAt, message.At, seen) != seen)
            {
            }

            if (Interlocked.Increment(ref reached) == copies.Length)
            {
                allReached.TrySetResult();
            }
        }

        public (int None, int Once, int TwiceOrMore) Copies() =>
            (copies.Count(c => c == 0), copies.Count(c => c == 1), copies.Count(c => c > 1));
    }

    // The admin's chat: the preview with the send button, then the status message the bot edits.
    private sealed class AdminChat
    {
        private readonly TaskCompletionSource buttonShown = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task ButtonShown => buttonShown.Task;
        public Task Finished => finished.Task;
        public BotMessage? Preview { get; private set; }
        public string? FinalText { get; private set; }

        public void Add(BotMessage message)
        {
            if (message.Action == BotAction.Send && message.FirstCallbackData?.StartsWith("bc:", StringComparison.Ordinal) == true && Preview is null)
            {
                Preview = message;
                buttonShown.TrySetResult();
            }
            else if (message.Text.Contains(FinishedMarker, StringComparison.Ordinal))
            {
                FinalText = message.Text;
                finished.TrySetResult();
            }
        }
    }
}

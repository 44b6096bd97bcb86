using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Telegram.Bot.Types;

namespace StudyBot.Bench;

// N reflections by 1,000 learners over 90 days of deliveries, seeded straight into the database;
// the admin sends /exportall and the bot streams a CSV and an XLSX document, which the fake reads
// and discards, counting their bytes. Measured: /exportall sent -> second document received.
internal static partial class ExportAllScenario
{
    private const int Learners = 1000;
    private const int Days = 90;

    // Both languages' ExportAllTooLarge name Telegram's limit so.
    private const string TooLargeMarker = "50 MB";

    public static async Task<Report> RunAsync(int reflections)
    {
        var report = new Report($"exportall: {reflections:N0} reflections by {Learners:N0} learners over {Days} days");
        var admin = new AdminChat();
        await using var fake = await FakeTelegram.StartAsync(TimeSpan.Zero, enforceLimits: true);
        fake.Observer = message =>
        {
            if (message.ChatId == BroadcastScenario.AdminId && message.Text.Contains(TooLargeMarker, StringComparison.Ordinal))
            {
                admin.Refused(message.Text);
            }
        };
        fake.DocumentObserver = document =>
        {
            if (document.ChatId == BroadcastScenario.AdminId)
            {
                admin.Add(document);
            }
        };
        using var database = BenchDatabase.Create();
        var settings = new BotSettings(fake.BaseUrl, database, EnforceLimits: true, BroadcastScenario.AdminId);

        await using (await BotProcess.StartPollingAsync(fake, settings, database.Folder))
        {
        }

        var seedLearners = database.SeedLearners(Learners, nextDeliveryUtc: null);
        var seedReflections = database.SeedReflections(reflections, Learners, Days);
        Console.WriteLine($"  seeded {Learners:N0} learners, {Learners * Days:N0} deliveries and {reflections:N0} reflections in {seedLearners + seedReflections:F1} s; starting the bot");

        await using var bot = await BotProcess.StartPollingAsync(fake, settings, database.Folder);
        var cpuBefore = bot.SampleCpu();
        var sentAt = cpuBefore.At;
        fake.Enqueue([new Update { Message = fake.UserText(BroadcastScenario.AdminId, "/exportall") }]);

        var timeout = TimeSpan.FromSeconds(60 + reflections / 10_000.0);
        var done = await bot.TryWaitAsync(Task.WhenAny(admin.BothArrived, admin.TooLarge), timeout, "both documents (or the bot's refusal)");
        var cpuAfter = bot.SampleCpu();
        var documents = admin.Documents;

        if (!done)
        {
            report.Fail($"timed out after {timeout.TotalSeconds:F0} s: {documents.Count} of 2 documents received");
        }

        if (admin.TooLarge.IsCompleted)
        {
            report.Check("both documents sent", false, $"the bot refused: {admin.RefusalText}");
        }
        else
        {
            report.Check("both documents sent", documents.Count == 2, string.Join(", ", documents.Select(d => d.FileName)));
        }

        var exported = documents.Count > 0 && CaptionCount().Match(documents[0].Caption) is { Success: true } match
            ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : (long?)null;
        if (documents.Count == 2)
        {
            report.Check("rows exported (caption) = seeded", exported == reflections, $"{exported:N0} of {reflections:N0}");
            var seconds = Stopwatch.GetElapsedTime(sentAt, documents[1].At).TotalSeconds;
            var rate = reflections / seconds;
            report.Figure("/exportall -> second document", $"{seconds:F1} s (first document after {Stopwatch.GetElapsedTime(sentAt, documents[0].At).TotalSeconds:F1} s)");
            report.Figure("rows/s", Report.Number(rate), ">= 50,000", rate >= 50_000);
        }

        foreach (var document in documents)
        {
            report.Figure($"size of {Path.GetExtension(document.FileName)}", $"{Report.Mb(document.Bytes)} ({document.Bytes:N0} bytes, {(double)document.Bytes / reflections:F1} per row)");
        }

        report.Figure("seeding", $"{reflections:N0} reflections (and {Learners * Days:N0} deliveries, {Learners:N0} learners) in {seedLearners + seedReflections:F1} s");
        Scenarios.AddCpuFigures(report, cpuBefore, cpuAfter);
        Scenarios.AddBotFigures(report, bot, fake, memoryTargetMb: 150);
        return report;
    }

    // "{0} reflections by …" / "… 的 {0} 条感想": the number of rows.
    [GeneratedRegex(@"(\d+) (?:reflections|条感想)")]
    private static partial Regex CaptionCount();

    private sealed class AdminChat
    {
        private readonly object gate = new();
        private readonly List<SentDocument> documents = [];
        private readonly TaskCompletionSource bothArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource tooLarge = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task BothArrived => bothArrived.Task;
        public Task TooLarge => tooLarge.Task;
        public string? RefusalText { get; private set; }

        public IReadOnlyList<SentDocument> Documents
        {
            get
            {
                lock (gate)
                {
                    return [.. documents];
                }
            }
        }

        public void Add(SentDocument document)
        {
            lock (gate)
            {
                documents.Add(document);
                if (documents.Count == 2)
                {
                    bothArrived.TrySetResult();
                }
            }
        }

        public void Refused(string text)
        {
            RefusalText = text;
            tooLarge.TrySetResult();
        }
    }
}

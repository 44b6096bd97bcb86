using System.Diagnostics;
using System.Globalization;
using Telegram.Bot.Types;

namespace StudyBot.Bench;

// /report on one large group: N members with `days` days of history (OrganizerHistory: a delivery
// a day, about half answered, some twice), every day a study day; the admin, whose current group it
// is, sends `/report FROM TO` over those days and the bot writes the XLSX and sends it, which the
// fake reads and discards. Measured: /report sent -> document received, and the bot's peak memory.
internal static class ReportScenario
{
    public static async Task<Report> RunAsync(int members, int days)
    {
        var report = new Report($"report: /report of a group of {members:N0} members over {days} study days");
        var documents = new List<SentDocument>();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var fake = await FakeTelegram.StartAsync(TimeSpan.Zero, enforceLimits: true);
        fake.DocumentObserver = document =>
        {
            if (document.ChatId == BroadcastScenario.AdminId)
            {
                lock (documents)
                {
                    documents.Add(document);
                }

                arrived.TrySetResult();
            }
        };
        using var database = BenchDatabase.Create();
        var settings = new BotSettings(fake.BaseUrl, database, EnforceLimits: true, BroadcastScenario.AdminId);

        var (today, seeded) = await OneLargeGroup.SeedAsync(fake, settings, database, members, days);
        database.Execute($"INSERT INTO current_groups (user_id, group_id) VALUES ({BroadcastScenario.AdminId}, {OneLargeGroup.GroupId})");

        await using var bot = await BotProcess.StartPollingAsync(fake, settings, database.Folder);
        var cpuBefore = bot.SampleCpu();
        var sentAt = cpuBefore.At;
        var from = today.AddDays(1 - days);
        fake.Enqueue([new Update { Message = fake.UserText(BroadcastScenario.AdminId, $"/report {Iso(from)} {Iso(today)}") }]);

        var timeout = TimeSpan.FromSeconds(120);
        var done = await bot.TryWaitAsync(arrived.Task, timeout, "the report's document");
        var cpuAfter = bot.SampleCpu();
        if (!done)
        {
            report.Fail($"timed out after {timeout.TotalSeconds:F0} s without the report");
        }
        else
        {
            var document = documents[0];
            report.Check("the report sent", document.FileName == $"participation_{Iso(from)}_{Iso(today)}.xlsx", document.FileName);
            report.Check("every member in it (caption)", document.Caption.Contains($"of {members} members", StringComparison.Ordinal) || document.Caption.Contains($"{members} 名成员", StringComparison.Ordinal), document.Caption);
            var seconds = Stopwatch.GetElapsedTime(sentAt, document.At).TotalSeconds;
            report.Figure("/report -> document", $"{seconds:F2} s", "< 3 s", seconds < 3);
            report.Figure("size of the .xlsx", $"{Report.Mb(document.Bytes)} ({document.Bytes:N0} bytes)");
        }

        report.Figure("seeding", $"{seeded.Deliveries:N0} deliveries, {seeded.Reflections:N0} reflections in {seeded.Seconds:F1} s");
        Scenarios.AddCpuFigures(report, cpuBefore, cpuAfter);
        Scenarios.AddBotFigures(report, bot, fake, memoryTargetMb: 150);
        return report;
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

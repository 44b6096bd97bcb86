using System.Net;

namespace StudyBot.Bench;

// What the web app adds to the bot's memory at rest: the same bot on the same (empty) database
// started twice, without App:PublicUrl and with it. With it, the page, its script and style, and
// the sign-in, /me and journal routes are asked once first, so what serving them leaves behind is
// counted too. Resident memory (VmRSS) is read once a second for `seconds` after a pause of the
// same length, and the median taken: a single reading catches whatever the GC has not yet handed back.
internal static class WebAppAtRestScenario
{
    private const long UserId = 424243;

    public static async Task<Report> RunAsync(int seconds)
    {
        var report = new Report("webrest: the bot at rest without the web app and with it (served once)");
        await using var fake = await FakeTelegram.StartAsync(TimeSpan.Zero, enforceLimits: false);
        using var database = BenchDatabase.Create();
        var without = await AtRestAsync(fake, new BotSettings(fake.BaseUrl, database, EnforceLimits: false), seconds, useWebApp: null);

        var port = DashboardScenario.FreeLoopbackPort();
        var settings = new BotSettings(fake.BaseUrl, database, EnforceLimits: false, Extra: new Dictionary<string, string>
        {
            ["App__PublicUrl"] = "https://studybot.test/app/",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        });
        var with = await AtRestAsync(fake, settings, seconds, useWebApp: async () =>
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var served = 0;
            foreach (var file in new[] { "", "app.js", "app.css" })
            {
                served += (await http.GetAsync(new Uri("/app/" + file, UriKind.Relative))).StatusCode == HttpStatusCode.OK ? 1 : 0;
            }

            var authorization = "tma " + DashboardScenario.SignInitData(FakeTelegram.Token, UserId, DateTimeOffset.UtcNow);
            foreach (var route in new[] { "/app/api/me", "/app/api/journal" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, route);
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
                served += (await http.SendAsync(request)).StatusCode == HttpStatusCode.OK ? 1 : 0;
            }

            report.Check("the page, its files, /me and the journal served", served == 5, $"{served} of 5 answered 200");
        });

        var growth = with - without;
        report.Figure("at rest without the web app (VmRSS, median)", Report.Mb(without));
        report.Figure("at rest with the web app, after serving it once", Report.Mb(with));
        report.Figure("growth", Report.Mb(growth), "≤ 10 MB", growth <= 10L * 1024 * 1024);
        return report;
    }

    private static async Task<long> AtRestAsync(FakeTelegram fake, BotSettings settings, int seconds, Func<Task>? useWebApp)
    {
        await using var bot = await BotProcess.StartPollingAsync(fake, settings, settings.Database.Folder);
        if (useWebApp is not null)
        {
            await useWebApp();
        }

        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var readings = new List<long>();
        for (var i = 0; i < seconds; i++)
        {
            readings.Add(bot.ResidentBytes());
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        bot.ThrowIfExited("the rest");
        readings.Sort();
        return readings[readings.Count / 2];
    }
}

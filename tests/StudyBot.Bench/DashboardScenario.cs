using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace StudyBot.Bench;

// The web app's dashboard on one large group: N members with `days` days of history (as the report
// scenario seeds it), the bot started with App:PublicUrl set so it serves /app, and the group's
// organizer (not an owner: the organizer check reads group_organizers on every request) signed in
// with Mini App init data. `concurrency` clients ask GET /app/api/groups/{id}/dashboard (the
// default range, the course so far) `warmup` times, then `requests` times timed, each measured from
// sending the request to reading the whole answer.
internal static class DashboardScenario
{
    private const long OrganizerId = 424242;
    private const string PublicUrl = "https://studybot.test/app/";

    // After the warm-up, before the timed requests: one request at a time, the service time alone.
    private const int Sequential = 20;

    public static async Task<Report> RunAsync(int members, int days, int concurrency, int warmup, int requests)
    {
        var report = new Report($"dashboard: GET /app/api/groups/{{id}}/dashboard of a group of {members:N0} members over {days} study days, {concurrency} at once");
        await using var fake = await FakeTelegram.StartAsync(TimeSpan.Zero, enforceLimits: true);
        using var database = BenchDatabase.Create();
        var port = FreeLoopbackPort();
        var settings = new BotSettings(fake.BaseUrl, database, EnforceLimits: true, Extra: new Dictionary<string, string>
        {
            ["App__PublicUrl"] = PublicUrl,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        });

        var (_, seeded) = await OneLargeGroup.SeedAsync(fake, settings, database, members, days);
        database.Execute("INSERT INTO group_organizers (group_id, user_id, added_utc) VALUES (@GroupId, @UserId, CURRENT_TIMESTAMP)", new { OneLargeGroup.GroupId, UserId = OrganizerId });

        await using var bot = await BotProcess.StartPollingAsync(fake, settings, database.Folder);
        // As a browser asks: gzip accepted (the bot keeps the dashboard's gzip form). Each answer is
        // read whole as it came; unpacking it is the client's work, not the API's, and on these two
        // shared cores it would be counted against the bot.
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = concurrency })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        var authorization = "tma " + SignInitData(FakeTelegram.Token, OrganizerId, DateTimeOffset.UtcNow);
        var path = $"/app/api/groups/{OneLargeGroup.GroupId}/dashboard";

        // One request alone first: the answer must be the group's, with every member in it.
        await bot.WaitAsync(ListeningAsync(http), TimeSpan.FromSeconds(30), "the bot's web endpoint");
        var (status, gzipped, computed) = await GetAsync(http, path, authorization);
        var bytes = status == HttpStatusCode.OK ? Gunzip(gzipped) : gzipped;
        var body = Encoding.UTF8.GetString(bytes);
        report.Check("the dashboard answered", status == HttpStatusCode.OK, status == HttpStatusCode.OK ? "200" : $"{(int)status} {Shorten(body)}");
        if (status != HttpStatusCode.OK)
        {
            Scenarios.AddBotFigures(report, bot, fake, memoryTargetMb: null);
            return report;
        }

        var listed = CountOf(body, "\"marks\":");
        report.Check("every member on it", listed == members, $"{listed:N0} members listed");
        report.Figure("size of an answer", $"{bytes.Length:N0} bytes of JSON, {gzipped.Length:N0} as sent gzipped");
        report.Figure("the first request (the dashboard computed)", $"{computed:F1} ms");

        await RunAsync(http, path, authorization, concurrency, warmup, bot);
        var (alone, _, _) = await RunAsync(http, path, authorization, 1, Sequential, bot);
        Array.Sort(alone);
        var cpuBefore = bot.SampleCpu();
        var (latencies, failures, elapsed) = await RunAsync(http, path, authorization, concurrency, requests, bot);
        var cpuAfter = bot.SampleCpu();

        report.Check("every timed request answered 200", failures == 0, $"{failures:N0} of {requests:N0} failed");
        Array.Sort(latencies);
        var p99 = Percentiles.Of(latencies, 99);
        report.Figure("requests", $"{warmup:N0} warm-up, then {requests:N0} timed, {concurrency} at once");
        report.Figure("throughput", $"{requests / elapsed.TotalSeconds:N0} requests/s ({elapsed.TotalSeconds:F2} s)");
        report.Figure("latency p50 / p90 / max", $"{Percentiles.Of(latencies, 50):F1} ms / {Percentiles.Of(latencies, 90):F1} ms / {latencies[^1]:F1} ms");
        report.Figure("one request at a time (p50 of 20 in a row)", $"{Percentiles.Of(alone, 50):F1} ms");
        report.Figure("latency p99", $"{p99:F1} ms", "< 50 ms", p99 < 50);
        var botCpu = (cpuAfter.Bot - cpuBefore.Bot).TotalMilliseconds;
        report.Figure("bot CPU per request", $"{botCpu / requests:F2} ms");
        await DashboardPage.MeasureAsync(report, fake, bot, http, OrganizerId, members);
        report.Figure("seeding", $"{seeded.Deliveries:N0} deliveries, {seeded.Reflections:N0} reflections in {seeded.Seconds:F1} s");
        Scenarios.AddCpuFigures(report, cpuBefore, cpuAfter);
        Scenarios.AddBotFigures(report, bot, fake, memoryTargetMb: null);
        return report;
    }

    // `count` requests shared by `concurrency` workers; each latency in milliseconds.
    private static async Task<(double[] Latencies, int Failures, TimeSpan Elapsed)> RunAsync(HttpClient http, string path, string authorization, int concurrency, int count, BotProcess bot)
    {
        var latencies = new double[count];
        var next = -1;
        var failures = 0;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < count)
            {
                var (status, _, milliseconds) = await GetAsync(http, path, authorization);
                latencies[index] = milliseconds;
                if (status != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        await bot.WaitAsync(Task.WhenAll(workers), TimeSpan.FromMinutes(5), $"{count:N0} dashboard requests");
        return (latencies, failures, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<(HttpStatusCode Status, byte[] Body, double Milliseconds)> GetAsync(HttpClient http, string path, string authorization)
    {
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, body, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    // The bot polls Telegram before its web endpoint is bound when its hosted services start first
    // (Quartz's clustered store on PostgreSQL takes a while).
    private static async Task ListeningAsync(HttpClient http)
    {
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }
    }

    private static byte[] Gunzip(byte[] gzipped)
    {
        using var unpacked = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress))
        {
            gzip.CopyTo(unpacked);
        }

        return unpacked.ToArray();
    }

    // Telegram's way, as the tests' WebAppClient.SignInitData: every field but hash, sorted by key,
    // as key=value lines, signed with HMAC-SHA256 under HMAC-SHA256("WebAppData", bot token).
    internal static string SignInitData(string botToken, long userId, DateTimeOffset authDate)
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["auth_date"] = authDate.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["query_id"] = "AAHdF6IQAAAAAN0XohDhrOrc",
            ["user"] = $$"""{"id":{{userId}},"first_name":"Organizer","last_name":"","username":"u{{userId}}","language_code":"en","allows_write_to_pm":true}""",
        };
        var checkString = string.Join('\n', fields.Select(f => $"{f.Key}={f.Value}"));
        var secret = HMACSHA256.HashData("WebAppData"u8, Encoding.UTF8.GetBytes(botToken));
        var hash = Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(checkString)));
        return string.Join('&', fields.Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value)}")) + "&hash=" + hash;
    }

    // The web app needs a port the bench knows (the other scenarios give the bot port 0).
    internal static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}

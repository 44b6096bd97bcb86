using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StudyBot.Hosting;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Hosting;

public sealed class HealthAndMetricsTests
{
    [Fact]
    public async Task Healthz_says_ok_while_the_database_and_scheduler_run()
    {
        await using var world = await TestWorld.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        // Quartz starts its scheduler once the host has started (on PostgreSQL after joining the
        // cluster), so the first answers may say it is not running yet.
        await TestWorld.EventuallyAsync(async () =>
        {
            using var response = await http.GetAsync(world.BotUrl + "/healthz");
            return response.StatusCode == HttpStatusCode.OK && await response.Content.ReadAsStringAsync() == "ok";
        }, "/healthz answers 200 ok", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Healthz_answers_503_naming_the_scheduler_when_it_is_not_running()
    {
        await using var world = await TestWorld.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var scheduler = await world.Get<Quartz.ISchedulerFactory>().GetScheduler();
        await TestWorld.EventuallyAsync(async () => await scheduler.GetStatus() == Quartz.SchedulerStatus.Running, "the scheduler runs", TimeSpan.FromSeconds(30));

        await scheduler.Standby();
        using var response = await http.GetAsync(world.BotUrl + "/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("scheduler not running", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_show_updates_handled_messages_sent_outbox_depth_and_delivery_lag()
    {
        await using var world = await TestWorld.StartAsync();
        await world.Learner(42).SendAsync("/start");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        // The reply reached Telegram a moment before the sender counted it as sent.
        var metrics = "";
        await TestWorld.EventuallyAsync(
            async () => (metrics = await http.GetStringAsync(world.BotUrl + "/metrics")).Contains("studybot_messages_sent_total{outcome=\"sent\"}", StringComparison.Ordinal),
            "the reply counted as sent",
            TimeSpan.FromSeconds(10));

        Assert.Contains("studybot_updates_handled_total", metrics);
        Assert.Contains("studybot_messages_sent_total{outcome=\"sent\"}", metrics);
        Assert.Contains("studybot_outbox_depth 0", metrics);
        Assert.Contains("studybot_delivery_lag_seconds 0", metrics);
    }

    // /metrics is open to any address that reaches it: a flood of scrapes must not become a flood of
    // database connections. The figures are read once and shown for five seconds.
    [Fact]
    public async Task A_burst_of_scrapes_reads_the_outbox_once_and_the_figures_follow_it_after_five_seconds()
    {
        await using var world = await TestWorld.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var reads = world.Get<BotMetrics>().Outbox;

        // Once a message is sent, the sender has taken back what a last run left claimed (its first
        // step): the claimed row below stays claimed.
        await world.Db.ExecuteAsync(
            "INSERT INTO outbox (chat_id, kind, priority, text, status, attempts, created_utc) VALUES (42, 'reminder', 1, 'text', 'pending', 0, @Now)",
            new { Now = world.Clock.GetUtcNow().UtcDateTime });
        await world.OutboxDrainedAsync();

        var burst = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => http.GetStringAsync(world.BotUrl + "/metrics")));

        Assert.All(burst, metrics => Assert.Contains("studybot_outbox_depth 0", metrics));
        Assert.Equal(1, reads.Reads);

        // A message the sender leaves alone (it claims only pending rows) makes the depth 1.
        await world.Db.ExecuteAsync(
            "INSERT INTO outbox (chat_id, kind, priority, text, status, attempts, created_utc) VALUES (42, 'reminder', 1, 'text', 'claimed', 1, @Now)",
            new { Now = world.Clock.GetUtcNow().UtcDateTime });
        world.Clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Contains("studybot_outbox_depth 0", await http.GetStringAsync(world.BotUrl + "/metrics"));

        world.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("studybot_outbox_depth 1", await http.GetStringAsync(world.BotUrl + "/metrics"));
        Assert.Equal(2, reads.Reads);
    }

    [Fact]
    public async Task A_burst_of_health_probes_asks_the_database_once()
    {
        await using var world = await TestWorld.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var scheduler = await world.Get<Quartz.ISchedulerFactory>().GetScheduler();
        await TestWorld.EventuallyAsync(async () => await scheduler.GetStatus() == Quartz.SchedulerStatus.Running, "the scheduler runs", TimeSpan.FromSeconds(30));

        var burst = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => http.GetStringAsync(world.BotUrl + "/healthz")));

        Assert.All(burst, answer => Assert.Equal("ok", answer));
        Assert.Equal(1, world.Get<HealthCheck>().DatabaseAnswers.Reads);
    }

    // The tests' client is on loopback, so loopback is left out of the allowed networks here.
    [Fact]
    public async Task Metrics_refuse_a_client_outside_the_allowed_networks_unless_it_brings_the_token()
    {
        const string token = "s3cret-metrics-token-0123456789";
        await using var world = await TestWorld.StartAsync(settings: s =>
        {
            s["Metrics:AllowedNetworks:0"] = "10.0.0.0/8";
            s["Metrics:Token"] = token;
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        using (var refused = await http.GetAsync(world.BotUrl + "/metrics"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.DoesNotContain("studybot_", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var wrong = new HttpRequestMessage(HttpMethod.Get, world.BotUrl + "/metrics"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token + "x");
            using var response = await http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, world.BotUrl + "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var allowed = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("studybot_outbox_depth", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // /healthz says nothing about anyone, so a load balancer anywhere may probe it.
        await TestWorld.EventuallyAsync(async () =>
        {
            using var response = await http.GetAsync(world.BotUrl + "/healthz");
            return response.StatusCode == HttpStatusCode.OK;
        }, "/healthz answers 200 to the same client", TimeSpan.FromSeconds(30));
    }

    // The slim web host leaves HTTPS out unless it is put back: an endpoint with a certificate in
    // the Kestrel settings (SPEC: ASPNETCORE_URLS or Kestrel settings) must still serve.
    [Fact]
    public async Task An_https_endpoint_with_a_certificate_in_the_kestrel_settings_serves_healthz()
    {
        var certificatePath = Path.Combine(Path.GetTempPath(), $"studybot-cert-{Guid.NewGuid():N}.pfx");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
            await File.WriteAllBytesAsync(certificatePath, certificate.Export(X509ContentType.Pfx, "test"));
        }

        try
        {
            await using var world = await TestWorld.StartAsync(settings: s =>
            {
                s["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0";
                s["Kestrel:Endpoints:Https:Certificate:Path"] = certificatePath;
                s["Kestrel:Endpoints:Https:Certificate:Password"] = "test";
            });
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };

            Assert.StartsWith("https://127.0.0.1:", world.BotUrl, StringComparison.Ordinal);
            await TestWorld.EventuallyAsync(async () =>
            {
                using var response = await http.GetAsync(world.BotUrl + "/healthz");
                return response.StatusCode == HttpStatusCode.OK;
            }, "/healthz answers 200 over HTTPS", TimeSpan.FromSeconds(30));
        }
        finally
        {
            File.Delete(certificatePath);
        }
    }
}

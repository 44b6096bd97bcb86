using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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

        var metrics = await http.GetStringAsync(world.BotUrl + "/metrics");

        Assert.Contains("studybot_updates_handled_total", metrics);
        Assert.Contains("studybot_messages_sent_total{outcome=\"sent\"}", metrics);
        Assert.Contains("studybot_outbox_depth 0", metrics);
        Assert.Contains("studybot_delivery_lag_seconds 0", metrics);
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

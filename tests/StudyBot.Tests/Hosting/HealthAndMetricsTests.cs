using System.Net;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Hosting;

public sealed class HealthAndMetricsTests
{
    [Fact]
    public async Task Healthz_says_ok_while_the_database_and_scheduler_run()
    {
        await using var world = await TestWorld.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        using var response = await http.GetAsync(world.BotUrl + "/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
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
}

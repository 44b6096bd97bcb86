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
}

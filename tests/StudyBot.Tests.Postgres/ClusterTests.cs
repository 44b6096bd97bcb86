using System.Diagnostics;
using System.Globalization;
using StudyBot.FakeBotApi;
using StudyBot.Outbox;
using StudyBot.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StudyBot.Tests;

// Two bot processes on one PostgreSQL and one fake Telegram that enforces Telegram's limits over
// everything it receives. The processes run on the real clock, as they would in production.
// Slow: 20 s to a minute and a half each (bot processes starting, broadcasts at Telegram's rate).
[Trait("Category", "Slow")]
public sealed class ClusterTests(ITestOutputHelper output)
{
    private const long Admin = 900;
    private const long FirstLearner = 10_001;
    private const int DueLearners = 500;
    private const int Recipients = 1000;
    private const string Notice = "集群广播：周六上午九点在三楼见。";

    [Fact]
    public async Task Two_instances_deliver_a_day_and_a_broadcast_once_within_the_limits_and_the_standby_takes_over_sending_when_the_leader_is_killed()
    {
        await using var world = await TestWorld.CreateAsync();
        await world.StartBotAsync();
        await world.StopBotAsync();
        await SeedAsync(world);
        world.Api.Limits = new FakeLimits();

        using var first = new BotProcess(world, "first");
        await first.WaitForLineAsync("now leads", TimeSpan.FromSeconds(90));
        using var second = new BotProcess(world, "second");
        await second.WaitForLineAsync("Quartz Scheduler", TimeSpan.FromSeconds(90));

        // A day: every due learner's prompt, once, whichever instance's sweep claims it.
        var learners = Enumerable.Range(0, Recipients).Select(i => FirstLearner + i).ToList();
        await world.Api.WaitUntilAsync(() => learners.Take(DueLearners).All(c => world.Api.SentTo(c).Count >= 1) ? "" : null, TimeSpan.FromSeconds(90));

        // Nothing of the day left in the outbox (one row per delivery): no second copy can follow.
        await world.UpdatesHandledAsync(timeout: TimeSpan.FromSeconds(30));
        Assert.All(learners.Take(DueLearners), c => Assert.Single(world.Api.SentTo(c)));
        Assert.All(learners.Skip(DueLearners), c => Assert.Empty(world.Api.SentTo(c)));
        Assert.Equal(DueLearners, await world.Db.CountAsync("deliveries", "sent_utc IS NOT NULL"));

        // A broadcast, with the leader killed part-way through it.
        world.Api.UserSends(Admin, "/broadcast " + Notice);
        var preview = await world.Api.WaitForNthMessageAsync(Admin, 2, TimeSpan.FromSeconds(30));
        world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[0].Data, fromId: Admin);
        await world.Api.WaitUntilAsync(() => NoticesSent(world) >= 200 ? "" : null, TimeSpan.FromSeconds(60));
        Assert.Empty(second.LinesContaining("now leads"));

        first.Kill();
        var killedAt = Stopwatch.StartNew();
        await second.WaitForLineAsync("now leads", TimeSpan.FromMinutes(1));
        var handover = killedAt.Elapsed;

        // Requests the dead leader had in flight may still be landing; the new leader's come after.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var sentAtHandover = NoticesSent(world);
        await world.Api.WaitUntilAsync(() => NoticesSent(world) > sentAtHandover ? "" : null, TimeSpan.FromSeconds(30));

        var report = await world.Api.WaitUntilAsync(() => world.Api.SentTo(Admin).FirstOrDefault(m => m.Text.Contains("已完成", StringComparison.Ordinal)), TimeSpan.FromSeconds(90));
        Assert.Contains($"（共 {Recipients}）", report.Text);

        var copies = learners.Select(c => world.Api.SentTo(c).Count(m => m.Text.Contains(Notice, StringComparison.Ordinal))).ToList();
        Assert.All(copies, n => Assert.InRange(n, 1, 2));
        Assert.InRange(copies.Count(n => n == 2), 0, OutboxSender.Concurrency);
        output.WriteLine($"Sending handed over {handover.TotalSeconds:F1} s after the kill; {copies.Count(n => n == 2)} recipients got the notice twice.");

        // The combined rate of both instances stayed within Telegram's limits the whole time.
        Assert.Equal(0, world.Api.GlobalLimitHits + world.Api.ChatLimitHits);
    }

    [Fact]
    public async Task In_webhook_mode_an_update_posted_to_the_standby_is_stored_there_and_handled_once_by_the_leader()
    {
        await using var world = await TestWorld.CreateAsync();
        var webhook = new Dictionary<string, string>
        {
            ["Telegram__Mode"] = "Webhook",
            ["Telegram__WebhookUrl"] = "https://bot.example.org/telegram/hook",
            ["Telegram__WebhookSecret"] = WebhookSecret,
        };

        using var leader = new BotProcess(world, "leader", webhook);
        await leader.WaitForLineAsync("now leads", TimeSpan.FromSeconds(90));
        using var standby = new BotProcess(world, "standby", webhook);
        await standby.WaitForLineAsync("Now listening on", TimeSpan.FromSeconds(90));

        using (var response = await PostAsync(standby.Url, Telegram.Receiving.WebhookTests.UpdateJson(7001, 77, "/start")))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        using (var again = await PostAsync(standby.Url, Telegram.Receiving.WebhookTests.UpdateJson(7001, 77, "/start")))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, again.StatusCode);
        }

        var welcome = await world.Api.WaitForMessageAsync(77, timeout: TimeSpan.FromSeconds(30));
        Assert.Contains("/today", welcome.Text);
        await TestWorld.EventuallyAsync(async () => await world.Db.CountAsync("inbound_updates", "handled_utc IS NOT NULL") == 1, "the leader marks it handled");

        // The leader's reply goes out before its handled mark: once marked, a second reply would be in.
        await world.UpdatesHandledAsync(77);
        Assert.Single(world.Api.SentTo(77));
        Assert.Empty(standby.LinesContaining("now leads"));

        // Handled, and answered, by the leader alone.
        Assert.Equal(1, await UpdatesHandledAsync(leader.Url));
        Assert.Equal(0, await UpdatesHandledAsync(standby.Url));
    }

    private static async Task<int> UpdatesHandledAsync(string baseUrl)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var metrics = await http.GetStringAsync(baseUrl + "/metrics");
        var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith("studybot_updates_handled_total ", StringComparison.Ordinal));
        return line is null ? 0 : (int)double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_leader_whose_database_session_is_cut_stops_leading_and_the_broadcast_still_reaches_everyone_once_within_the_limits()
    {
        const int recipients = 300;
        await using var world = await TestWorld.CreateAsync();
        world.Settings["Telegram:EnforceLimits"] = "true";
        await world.StartBotAsync();
        await world.Db.SeedLearnersAsync(Enumerable.Range(1, recipients).Select(i => (long)i));
        world.Api.Limits = new FakeLimits();

        world.Api.UserSends(Admin, "/broadcast " + Notice);
        var preview = await world.Api.WaitForNthMessageAsync(Admin, 2, TimeSpan.FromSeconds(30));
        world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[0].Data, fromId: Admin);
        await world.Api.WaitUntilAsync(() => Copies(world, recipients).Count(n => n > 0) >= 60 ? "" : null, TimeSpan.FromSeconds(60));

        // As if the server restarted or the network dropped the leader's session: its lock is gone.
        Assert.Equal(1, await world.Db.ScalarAsync<long>("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND pid <> pg_backend_pid()"));

        await world.Api.WaitUntilAsync(() => world.Api.SentTo(Admin).FirstOrDefault(m => m.Text.Contains("已完成", StringComparison.Ordinal)), TimeSpan.FromSeconds(90));
        Assert.Contains(world.Logs.Lines, l => l.Contains("no longer leads", StringComparison.Ordinal));
        Assert.Equal(2, world.Logs.Lines.Count(l => l.Contains("now leads", StringComparison.Ordinal)));

        var copies = Copies(world, recipients);
        Assert.All(copies, n => Assert.InRange(n, 1, 2));
        Assert.InRange(copies.Count(n => n == 2), 0, OutboxSender.Concurrency);
        Assert.Equal(0, world.Api.GlobalLimitHits + world.Api.ChatLimitHits);
    }

    private static List<int> Copies(TestWorld world, int recipients) =>
        Enumerable.Range(1, recipients).Select(c => world.Api.SentTo(c).Count(m => m.Text.Contains(Notice, StringComparison.Ordinal))).ToList();

    private const string WebhookSecret = "cluster-secret_for-tests";

    private static async Task<HttpResponseMessage> PostAsync(string baseUrl, string body)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/telegram/hook")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", WebhookSecret);
        return await http.SendAsync(request);
    }

    private static int NoticesSent(TestWorld world) => world.Api.AllSent.Count(m => m.ChatId >= FirstLearner && m.Text.Contains(Notice, StringComparison.Ordinal));

    // A thousand subscribers; the first five hundred are due now (at 00:00 UTC, today not yet delivered).
    // These bots run on the real clock, so the weekly digest is off: on a Sunday evening (UTC) it
    // would be due too, and the counts here are of prompts and notices.
    private static async Task SeedAsync(TestWorld world)
    {
        var due = DateTime.UtcNow.AddMinutes(-1);
        await world.Db.ExecuteAsync(
            """
            INSERT INTO learners (chat_id, display_name, language, time_zone, delivery_time, status, next_delivery_utc, subscribed_utc, updated_utc, digest_enabled)
            VALUES (@ChatId, 'Learner', 'zh-CN', 'UTC', '00:00', 'active', @Next, @Now, @Now, 0)
            """,
            Enumerable.Range(0, Recipients).Select(i => new
            {
                ChatId = FirstLearner + i,
                Next = i < DueLearners ? due : (DateTime?)null,
                Now = due,
            }));
    }
}

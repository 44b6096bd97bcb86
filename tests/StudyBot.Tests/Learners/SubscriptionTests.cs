using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Learners;

public sealed class SubscriptionTests
{
    [Fact]
    public async Task Start_subscribes_and_says_time_zone_and_first_delivery()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);

        var welcome = await learner.SendAsync("/start");

        Assert.Contains("08:00", welcome.Text);
        Assert.Contains("Asia/Shanghai", welcome.Text);
        Assert.Contains("/today", welcome.Text);
        // 10:00 in Shanghai with an 08:00 time: the first delivery is tomorrow.
        Assert.Contains("2026-12-08 08:00", welcome.Text);
        Assert.Equal("active", await world.Db.ScalarAsync<string>("SELECT status FROM learners WHERE chat_id = 42"));
    }

    [Fact]
    public async Task The_name_and_username_organizers_see_follow_the_profile_at_each_start()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);

        world.Api.UserSends(42, "/start", firstName: "Ann", username: "ann_reads");
        await learner.NextAsync(0);
        Assert.Equal(("Ann", "ann_reads"), Assert.Single(await world.Db.QueryAsync<(string, string)>("SELECT display_name, username FROM learners")));

        // A second /start changes nothing else (it says so), but takes the profile as it is now.
        world.Api.UserSends(42, "/start", firstName: "Ann Lee");
        Assert.Contains("你已经订阅了", (await learner.NextAsync(1)).Text, StringComparison.Ordinal);
        Assert.Equal(("Ann Lee", (string?)null), Assert.Single(await world.Db.QueryAsync<(string, string?)>("SELECT display_name, username FROM learners")));
    }

    [Fact]
    public async Task A_default_language_written_as_people_type_it_is_stored_in_its_canonical_form()
    {
        await using var world = await TestWorld.StartAsync(settings: s => s["Bot:Language"] = "zh");
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        var today = await learner.SendAsync("/today");

        Assert.Equal("zh-CN", await world.Db.ScalarAsync<string>("SELECT language FROM learners WHERE chat_id = 42"));
        Assert.Contains("主题", today.Text);
    }

    [Fact]
    public async Task Second_start_changes_nothing_and_says_so()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        var before = await world.Db.ScalarAsync<string>($"SELECT {TestDatabase.AsText("next_delivery_utc")} FROM learners WHERE chat_id = 42");

        var reply = await learner.SendAsync("/start");

        Assert.Contains("没有任何改动", reply.Text);
        Assert.Equal(1, await world.Db.CountAsync("learners"));
        Assert.Equal(before, await world.Db.ScalarAsync<string>($"SELECT {TestDatabase.AsText("next_delivery_utc")} FROM learners WHERE chat_id = 42"));
    }

    [Fact]
    public async Task Start_after_stop_subscribes_again_and_keeps_settings()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/time 07:15");

        var stopped = await learner.SendAsync("/stop");
        Assert.Contains("/start", stopped.Text);
        Assert.Equal("stopped", await world.Db.ScalarAsync<string>("SELECT status FROM learners WHERE chat_id = 42"));
        Assert.Null(await world.Db.ScalarAsync<string?>($"SELECT {TestDatabase.AsText("next_delivery_utc")} FROM learners WHERE chat_id = 42"));

        var again = await learner.SendAsync("/start");
        Assert.Contains("07:15", again.Text);
        Assert.Equal("active", await world.Db.ScalarAsync<string>("SELECT status FROM learners WHERE chat_id = 42"));
        Assert.NotNull(await world.Db.ScalarAsync<string?>($"SELECT {TestDatabase.AsText("next_delivery_utc")} FROM learners WHERE chat_id = 42"));
    }

    [Fact]
    public async Task Help_lists_the_learner_commands()
    {
        await using var world = await TestWorld.StartAsync();
        var help = await world.Learner(42).SendAsync("/help");

        foreach (var command in new[] { "/start", "/today", "/time", "/timezone", "/language", "/pause", "/resume", "/stop", "/history", "/help" })
        {
            Assert.Contains(command, help.Text);
        }
    }

    [Fact]
    public async Task Command_addressed_with_the_bot_username_works_and_another_bots_is_ignored()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        world.Api.UserSends(42, "/pause@OtherBot");
        var reply = await learner.SendAsync("/pause@StudyTestBot");

        Assert.Contains("/resume", reply.Text);
        Assert.Equal(2, learner.Received);
        Assert.Equal("paused", await world.Db.ScalarAsync<string>("SELECT status FROM learners WHERE chat_id = 42"));
    }

    [Theory]
    [InlineData("/time 25:99")]
    [InlineData("/time")]
    [InlineData("/time 7pm")]
    public async Task Bad_time_is_explained_in_one_line_and_changes_nothing(string command)
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        var before = await world.Db.QueryAsync<(string, string)>($"SELECT delivery_time, {TestDatabase.AsText("next_delivery_utc")} FROM learners");

        var reply = await learner.SendAsync(command);

        Assert.Contains("HH:MM", reply.Text);
        Assert.DoesNotContain('\n', reply.Text);
        Assert.Equal(before, await world.Db.QueryAsync<(string, string)>($"SELECT delivery_time, {TestDatabase.AsText("next_delivery_utc")} FROM learners"));
    }

    [Theory]
    [InlineData("/timezone Mars/Base")]
    [InlineData("/timezone PRC")]
    [InlineData("/timezone asia/shanghai")]
    public async Task Bad_time_zone_is_explained_and_changes_nothing(string command)
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        var reply = await learner.SendAsync(command);

        Assert.Contains(command.Split(' ')[1], reply.Text);
        Assert.Contains("Asia/Shanghai", reply.Text);
        Assert.Equal("Asia/Shanghai", await world.Db.ScalarAsync<string>("SELECT time_zone FROM learners"));
    }

    [Fact]
    public async Task A_time_zone_of_4000_characters_is_answered_with_its_start_within_Telegrams_limit()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/language en");
        var zone = "Mars/" + new string('x', 3995);

        var reply = await learner.SendAsync("/timezone " + zone);

        Assert.Contains("'" + zone[..60], reply.Text);
        Assert.Contains("Asia/Shanghai", reply.Text);
        Assert.InRange(reply.Text.Length, 1, 4096);
        Assert.Equal("Asia/Shanghai", await world.Db.ScalarAsync<string>("SELECT time_zone FROM learners"));
    }

    [Fact]
    public async Task An_unknown_command_of_4090_characters_is_answered_with_its_start_within_Telegrams_limit()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        var command = "/" + new string('x', 4090);

        var reply = await learner.SendAsync(command);

        Assert.Contains(command[..60], reply.Text);
        Assert.Contains("/help", reply.Text);
        Assert.InRange(reply.Text.Length, 1, 4096);
    }

    [Fact]
    public async Task Unknown_command_gets_one_line_and_nothing_changes()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);

        var reply = await learner.SendAsync("/frobnicate now");

        Assert.Contains("/frobnicate", reply.Text);
        Assert.Contains("/help", reply.Text);
        Assert.Equal(0, await world.Db.CountAsync("learners"));
    }

    [Fact]
    public async Task Time_and_time_zone_are_saved_and_the_next_delivery_follows_them()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        // 10:00 in Shanghai: 21:30 today has not come yet and today is not delivered.
        var time = await learner.SendAsync("/time 21:30");
        Assert.Contains("2026-12-07 21:30", time.Text);

        // Same instant in London is 02:00: 21:30 London today.
        var zone = await learner.SendAsync("/timezone Europe/London");
        Assert.Contains("2026-12-07 21:30", zone.Text);
        Assert.Equal("Europe/London", await world.Db.ScalarAsync<string>("SELECT time_zone FROM learners"));
        Assert.Equal("2026-12-07 21:30:00", await world.Db.ScalarAsync<string>($"SELECT {TestDatabase.AsText("next_delivery_utc")} FROM learners"));
    }

    [Fact]
    public async Task Language_switches_replies_and_rejects_unknown_languages()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        var english = await learner.SendAsync("/language en");
        Assert.Equal("Replies are now in English.", english.Text);

        var bad = await learner.SendAsync("/language fr");
        Assert.Contains("/language en", bad.Text);
        Assert.Equal("en", await world.Db.ScalarAsync<string>("SELECT language FROM learners"));

        var chinese = await learner.SendAsync("/language zh-CN");
        Assert.Equal("已切换为中文。", chinese.Text);
    }

    [Fact]
    public async Task Pause_stops_deliveries_and_resume_brings_them_back()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/pause");
        Assert.Contains("/resume", (await learner.SendAsync("/pause")).Text);

        // Tomorrow 08:30 Shanghai: a paused learner gets nothing.
        await world.AdvanceToAsync(new DateTimeOffset(2026, 12, 8, 0, 30, 0, TimeSpan.Zero));
        Assert.Equal(0, await world.Db.CountAsync("deliveries"));

        var resumed = await learner.SendAsync("/resume");
        Assert.Contains("2026-12-09 08:00", resumed.Text);
        await world.AdvanceToAsync(new DateTimeOffset(2026, 12, 9, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, await world.Db.CountAsync("deliveries", "sent_utc IS NOT NULL"));
    }

    [Fact]
    public async Task Commands_other_than_start_need_a_subscription()
    {
        await using var world = await TestWorld.StartAsync();
        var reply = await world.Learner(42).SendAsync("/time 07:00");

        Assert.Contains("/start", reply.Text);
        Assert.Equal(0, await world.Db.CountAsync("learners"));
    }
}

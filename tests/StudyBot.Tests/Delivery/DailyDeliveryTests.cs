using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Delivery;

public sealed class DailyDeliveryTests
{
    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_active_learner_gets_one_delivery_at_their_local_time()
    {
        await using var world = await TestWorld.StartAsync();
        var shanghai = world.Learner(1);
        var newYork = world.Learner(2);
        await shanghai.SendAsync("/start");
        await newYork.SendAsync("/start");
        await newYork.SendAsync("/timezone America/New_York");

        // 07:59 Shanghai on the 8th: not yet. New York's 08:00 on the 7th (13:00 UTC) has passed.
        await world.AdvanceToAsync(Utc(12, 7, 23, 59));
        Assert.Equal(1, shanghai.Received);
        Assert.Equal(3, newYork.Received);

        // 08:00 Shanghai = 00:00 UTC on the 8th.
        await world.AdvanceToAsync(Utc(12, 8, 0, 0));
        var prompt = await shanghai.NextAsync(1);
        Assert.Contains("思考", prompt.Text);

        // A second sweep in the same minute sends nothing more.
        await world.SweepAsync();
        Assert.Equal(2, shanghai.Received);

        // 08:00 New York on the 8th = 13:00 UTC.
        await world.AdvanceToAsync(Utc(12, 8, 12, 59));
        Assert.Equal(3, newYork.Received);
        await world.AdvanceToAsync(Utc(12, 8, 13, 0));
        await newYork.NextAsync(3);

        Assert.Equal(3, await world.Db.CountAsync("deliveries", "sent_utc IS NOT NULL"));
        Assert.Equal(new[] { "2026-12-07", "2026-12-08" }, await world.Db.QueryAsync<string>($"SELECT {TestDatabase.AsText("local_date")} FROM deliveries WHERE chat_id = 2 ORDER BY local_date"));
    }

    [Fact]
    public async Task Everyone_gets_the_same_item_on_the_same_date()
    {
        await using var world = await TestWorld.StartAsync();
        await world.Learner(1).SendAsync("/start");
        await world.Learner(2).SendAsync("/start");

        await world.AdvanceToAsync(Utc(12, 8, 0, 0));

        var quotes = await world.Db.QueryAsync<string>("SELECT quote FROM deliveries ORDER BY chat_id");
        Assert.Equal(2, quotes.Count);
        Assert.Equal(quotes[0], quotes[1]);
        var message = await world.Learner(1).NextAsync(1);
        Assert.Contains(quotes[0], message.Text);
    }

    [Fact]
    public async Task Today_counts_as_the_days_delivery_and_the_slot_does_not_send_again()
    {
        // 06:00 Shanghai, before the 08:00 slot.
        await using var world = await TestWorld.StartAsync(Utc(12, 6, 22, 0));
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        var today = await learner.SendAsync("/today");
        Assert.Contains("—— ", today.Text);
        Assert.Equal("2026-12-07", await world.Db.ScalarAsync<string>($"SELECT {TestDatabase.AsText("local_date")} FROM deliveries"));

        await world.AdvanceToAsync(Utc(12, 7, 0, 0));
        await world.AdvanceToAsync(Utc(12, 7, 5, 0));
        Assert.Equal(2, learner.Received);
        Assert.Equal(1, await world.Db.CountAsync("deliveries"));

        // The next local day's slot sends as usual.
        await world.AdvanceToAsync(Utc(12, 8, 0, 0));
        await learner.NextAsync(2);
        Assert.Equal(2, await world.Db.CountAsync("deliveries"));
    }

    [Fact]
    public async Task Today_twice_shows_the_same_item_without_a_second_delivery()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        var first = await learner.SendAsync("/today");
        var second = await learner.SendAsync("/today");

        Assert.Equal(first.Text, second.Text);
        Assert.Equal(1, await world.Db.CountAsync("deliveries"));
    }

    [Fact]
    public async Task Time_change_mid_day_to_a_later_time_delivers_today_at_the_new_time()
    {
        // 07:00 Shanghai; the learner moves 08:00 to 12:00 before the slot.
        await using var world = await TestWorld.StartAsync(Utc(12, 6, 23, 0));
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/time 12:00");

        await world.AdvanceToAsync(Utc(12, 7, 0, 30));
        Assert.Equal(2, learner.Received);

        await world.AdvanceToAsync(Utc(12, 7, 4, 0));
        await learner.NextAsync(2);
        Assert.Equal(1, await world.Db.CountAsync("deliveries"));
    }

    [Fact]
    public async Task Time_change_after_todays_delivery_waits_for_tomorrow()
    {
        await using var world = await TestWorld.StartAsync(Utc(12, 6, 23, 0));
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await world.AdvanceToAsync(Utc(12, 7, 0, 0));
        await learner.NextAsync(1);

        var reply = await learner.SendAsync("/time 20:00");
        Assert.Contains("2026-12-08 20:00", reply.Text);

        await world.AdvanceToAsync(Utc(12, 7, 12, 30));
        Assert.Equal(3, learner.Received);
        Assert.Equal(1, await world.Db.CountAsync("deliveries"));
    }

    [Fact]
    public async Task A_delivery_missed_while_down_goes_out_at_start_up_if_the_local_day_is_not_over()
    {
        await using var world = await TestWorld.StartAsync(Utc(12, 6, 22, 0));
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await world.StopBotAsync();

        // Down across the 08:00 slot; back at 15:00 Shanghai the same day.
        world.Clock.SetUtcNow(Utc(12, 7, 7, 0));
        await world.StartBotAsync();
        await world.SweepAsync();

        var prompt = await learner.NextAsync(1);
        Assert.Contains("思考", prompt.Text);
        Assert.Equal("2026-12-07", await world.Db.ScalarAsync<string>($"SELECT {TestDatabase.AsText("local_date")} FROM deliveries"));
    }

    [Fact]
    public async Task A_day_that_ended_while_down_is_skipped_and_today_is_delivered()
    {
        await using var world = await TestWorld.StartAsync(Utc(12, 6, 22, 0));
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await world.StopBotAsync();

        // Down for the whole of the 7th (Shanghai); back at 09:00 on the 8th.
        world.Clock.SetUtcNow(Utc(12, 8, 1, 0));
        await world.StartBotAsync();
        await world.SweepAsync();

        await learner.NextAsync(1);
        Assert.Equal(new[] { "2026-12-08" }, await world.Db.QueryAsync<string>($"SELECT {TestDatabase.AsText("local_date")} FROM deliveries"));
    }

    [Fact]
    public async Task Daylight_saving_change_in_New_York_keeps_the_local_time()
    {
        // 2026-03-07 07:00 New York (EST, UTC-5) = 12:00 UTC.
        await using var world = await TestWorld.StartAsync(Utc(3, 7, 12, 0));
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/timezone America/New_York");

        // 08:00 EST on the 7th = 13:00 UTC.
        await world.AdvanceToAsync(Utc(3, 7, 12, 59));
        Assert.Equal(2, learner.Received);
        await world.AdvanceToAsync(Utc(3, 7, 13, 0));
        await learner.NextAsync(2);

        // Clocks go forward on the 8th: 08:00 EDT = 12:00 UTC, an hour earlier in UTC.
        await world.AdvanceToAsync(Utc(3, 8, 11, 59));
        Assert.Equal(3, learner.Received);
        await world.AdvanceToAsync(Utc(3, 8, 12, 0));
        await learner.NextAsync(3);

        Assert.Equal(new[] { "2026-03-07", "2026-03-08" }, await world.Db.QueryAsync<string>($"SELECT {TestDatabase.AsText("local_date")} FROM deliveries ORDER BY local_date"));
    }

    [Fact]
    public async Task Blocked_learner_is_marked_and_gets_no_more_deliveries()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        world.Api.BlockChat(42);

        await world.AdvanceToAsync(Utc(12, 8, 0, 0));

        Assert.Equal("blocked", await world.Db.ScalarAsync<string>("SELECT status FROM learners"));
        Assert.Equal("unreachable", await world.Db.ScalarAsync<string>("SELECT failure FROM deliveries"));
        await world.AdvanceToAsync(Utc(12, 9, 0, 0));
        Assert.Equal(1, await world.Db.CountAsync("deliveries"));
    }

    [Fact]
    public async Task A_transient_failure_is_retried_and_the_prompt_still_goes_out_once()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        world.Api.FailNext("sendMessage", 2, 502, "Bad Gateway");

        await world.AdvanceToAsync(Utc(12, 8, 0, 0));

        await learner.NextAsync(1);
        Assert.Equal(1, await world.Db.CountAsync("deliveries", "sent_utc IS NOT NULL"));
        Assert.Equal("sent", await world.Db.ScalarAsync<string>("SELECT status FROM outbox"));
        await learner.AssertNothingMoreAsync(2);
    }

    [Fact]
    public async Task A_send_that_keeps_failing_is_marked_failed_with_its_reason_and_today_tries_again()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        world.Api.FailNext("sendMessage", 5, 500, "Internal Server Error");

        await world.AdvanceToAsync(Utc(12, 8, 0, 0));

        Assert.Equal(("failed", "500: Internal Server Error"), Assert.Single(await world.Db.QueryAsync<(string, string)>("SELECT status, error FROM outbox")));
        Assert.Equal("failed", await world.Db.ScalarAsync<string>("SELECT failure FROM deliveries"));

        world.Api.UserSends(42, "/today");
        var prompt = await learner.NextAsync(1);
        Assert.Contains("思考", prompt.Text);
        await world.OutboxDrainedAsync();
        Assert.Equal(1, await world.Db.CountAsync("deliveries", "sent_utc IS NOT NULL AND failure IS NULL"));
    }
}

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
    public async Task Second_start_changes_nothing_and_says_so()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        var before = await world.Db.ScalarAsync<string>("SELECT next_delivery_utc FROM learners WHERE chat_id = 42");

        var reply = await learner.SendAsync("/start");

        Assert.Contains("没有任何改动", reply.Text);
        Assert.Equal(1, await world.Db.CountAsync("learners"));
        Assert.Equal(before, await world.Db.ScalarAsync<string>("SELECT next_delivery_utc FROM learners WHERE chat_id = 42"));
    }
}

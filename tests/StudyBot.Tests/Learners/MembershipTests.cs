using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Learners;

public sealed class MembershipTests
{
    [Fact]
    public async Task Blocking_the_bot_stops_deliveries_and_unblocking_brings_them_back()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        world.Api.UserBlocksBot(42);
        await TestWorld.EventuallyAsync(async () => await world.Db.ScalarAsync<string>("SELECT status FROM learners") == "blocked", "the learner is blocked");
        Assert.Null(await world.Db.ScalarAsync<string?>($"SELECT {TestDatabase.AsText("next_delivery_utc")} FROM learners"));

        await world.AdvanceToAsync(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(0, await world.Db.CountAsync("deliveries"));

        world.Api.UserUnblocksBot(42);
        var welcomeBack = await learner.NextAsync(1);
        Assert.Contains("2026-12-09 08:00", welcomeBack.Text);
        Assert.Equal("active", await world.Db.ScalarAsync<string>("SELECT status FROM learners"));
    }
}

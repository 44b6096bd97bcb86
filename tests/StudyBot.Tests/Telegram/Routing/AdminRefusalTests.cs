using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Telegram.Routing;

public sealed class AdminRefusalTests
{
    [Theory]
    [InlineData("/stats")]
    [InlineData("/remind")]
    [InlineData("/exportall")]
    [InlineData("/exportall 2026-12-01 2026-12-07")]
    [InlineData("/broadcast Free pizza")]
    [InlineData("/newgroup Branch 3")]
    [InlineData("/groups")]
    [InlineData("/group")]
    [InlineData("/groupset days=mon-fri")]
    [InlineData("/calendar")]
    [InlineData("/members")]
    [InlineData("/wall")]
    [InlineData("/report")]
    public async Task A_non_admin_is_refused_in_one_line_and_nothing_happens(string command)
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");
        await world.Db.AddLearnerAsync(1, "Ann");
        await world.Db.AddReflectionAsync(1, await world.Db.AddDeliveryAsync(1, "2026-12-07"));

        var reply = await learner.SendAsync(command);

        var name = command.Split(' ')[0];
        Assert.Contains(name, reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', reply.Text);
        await learner.AssertNothingMoreAsync(3);
        Assert.All(world.Api.AllSent, m => Assert.Equal("sendMessage", m.Method));
        Assert.Equal(0, await world.Db.CountAsync("audit"));
        Assert.Equal(0, await world.Db.CountAsync("reminders"));
        Assert.Equal(0, await world.Db.CountAsync("outbox", "kind <> 'prompt'"));
        Assert.Equal(1, await world.Db.CountAsync("study_groups"));
        Assert.Equal(127, await world.Db.ScalarAsync<long>("SELECT study_days FROM study_groups"));
        Assert.Contains(world.Logs.Lines, l => l.Contains($"User 42 may not use {name} and was refused", StringComparison.Ordinal));
    }
}

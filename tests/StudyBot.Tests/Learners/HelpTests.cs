using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Learners;

public sealed class HelpTests
{
    [Fact]
    public async Task Help_lists_export_digest_and_deletedata_in_the_learners_language()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        var chinese = await learner.SendAsync("/help");
        await learner.SendAsync("/language en");
        var english = await learner.SendAsync("/help");

        Assert.Contains("/export — 导出我的感想", chinese.Text);
        Assert.Contains("/digest — on 或 off", chinese.Text);
        Assert.Contains("/deletedata — 删除关于我的全部数据", chinese.Text);
        var order = new[] { "/history", "/export", "/digest", "/time", "/stop", "/deletedata", "/help" }.Select(c => english.Text.IndexOf(c + " — ", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order(), order);
    }
}

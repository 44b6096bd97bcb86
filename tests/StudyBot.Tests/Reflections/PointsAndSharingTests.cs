using System.Text.RegularExpressions;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Reflections;

public sealed class PointsAndSharingTests
{
    private const long Organizer = 501;

    private static async Task<TestWorld> GroupAsync(string settings)
    {
        var world = await TestWorld.StartAsync();
        var created = await world.Learner(TestWorld.AdminId).SendAsync("/newgroup Readers");
        await world.Learner(Organizer).SendAsync("/start o_" + Regex.Match(created.Text, "o_([a-z2-7]+)").Groups[1].Value);
        await world.Learner(Organizer).SendAsync("/groupset " + settings);
        foreach (var member in new long[] { 11, 12 })
        {
            await world.Learner(member).SendAsync("/start j_" + Regex.Match(created.Text, "j_([a-z2-7]+)").Groups[1].Value);
            await world.Learner(member).SendAsync("/today");
        }

        return world;
    }

    [Fact]
    public async Task Sharing_is_the_authors_press_and_points_count_once_per_day_and_reason()
    {
        await using var world = await GroupAsync("points=on leaderboard=on");
        var confirmation = await world.Learner(11).SendAsync("What I learned today");
        Assert.Equal("分享到小组", Assert.Single(confirmation.Buttons).Text);
        var reflection = await world.Db.ScalarAsync<long>("SELECT id FROM reflections WHERE chat_id = 11");

        // Someone else pressing it (a forged press in their own chat) is refused.
        var forged = world.Api.UserPresses(12, (await world.Learner(12).SendAsync("Mine")).MessageId, $"sh:{reflection}");
        Assert.False(string.IsNullOrEmpty((await world.Api.WaitUntilAsync(() => world.Api.ButtonAnswers.FirstOrDefault(a => a.CallbackQueryId == forged))).Text));
        Assert.Equal(0, await world.Db.CountAsync("reflections", "shared_utc IS NOT NULL"));

        // The author shares twice and edits: one sharing point, one day's answer.
        foreach (var _ in new[] { 1, 2 })
        {
            var press = world.Api.UserPresses(11, confirmation.MessageId, $"sh:{reflection}");
            await world.Api.WaitUntilAsync(() => world.Api.ButtonAnswers.FirstOrDefault(a => a.CallbackQueryId == press));
        }

        Assert.Equal("取消分享", world.Api.SentTo(11).Single(m => m.MessageId == confirmation.MessageId).Buttons.Single().Text);
        Assert.Equal(1, await world.Db.CountAsync("reflections", $"id = {reflection} AND shared_utc IS NOT NULL"));

        var mine = await world.Learner(11).SendAsync("/points");
        Assert.Contains("共 3 分，本周 3 分", mine.Text, StringComparison.Ordinal);
        Assert.Contains("排名第 1", mine.Text, StringComparison.Ordinal);
        Assert.Contains("排名第 2", (await world.Learner(12).SendAsync("/points")).Text, StringComparison.Ordinal);
        Assert.Equal(3, await world.Db.ScalarAsync<long>("SELECT SUM(points) FROM points WHERE chat_id = 11"));

        // Unshare hides it again; the point already earned stays.
        var unshare = world.Api.UserPresses(11, confirmation.MessageId, $"sh:{reflection}:off");
        await world.Api.WaitUntilAsync(() => world.Api.ButtonAnswers.FirstOrDefault(a => a.CallbackQueryId == unshare));
        Assert.Equal(0, await world.Db.CountAsync("reflections", "shared_utc IS NOT NULL"));
    }

    [Fact]
    public async Task Without_the_wall_there_is_no_share_button_and_without_points_none_are_counted()
    {
        await using var world = await GroupAsync("wall=off");

        var confirmation = await world.Learner(11).SendAsync("What I learned today");

        Assert.Empty(confirmation.Buttons);
        Assert.Equal(0, await world.Db.CountAsync("points"));
        Assert.Contains("未开启积分", (await world.Learner(11).SendAsync("/points")).Text, StringComparison.Ordinal);
    }
}

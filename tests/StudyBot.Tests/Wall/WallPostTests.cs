using StudyBot.Tests.Groups;
using static StudyBot.Tests.Groups.GroupChatSetup;

namespace StudyBot.Tests.Wall;

// Branch A's linked chat gets its day's wall at 21:00 Shanghai (walltime's default), once a day.
public sealed class WallPostTests
{
    private static readonly DateTimeOffset MondayWall = new(2026, 12, 7, 13, 0, 30, TimeSpan.Zero);

    private static List<StudyBot.FakeBotApi.SentMessage> WallsIn(GroupChatSetup setup) =>
        setup.Api.SentTo(Chat).Where(m => m.Text.Contains("打卡墙", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task The_wall_is_posted_once_at_walltime_with_who_answered_and_the_featured_reflections()
    {
        await using var setup = await StartAsync();
        var world = setup.World;
        await world.Learner(OtherMember).SendAsync("/time 21:30");
        var post = await setup.PostAtAsync(MondayPost);
        var reply = setup.Api.UserSendsInGroup(Chat, OtherMember, "Listening is where service starts.", post.MessageId);
        await setup.Api.WaitUntilAsync(() => setup.Api.ReactionsOn(Chat, reply.Id) is { Count: > 0 } r ? r : null);
        await world.Db.ExecuteAsync($"UPDATE reflections SET shared_utc = '2026-12-07 12:10:00', featured_utc = '2026-12-07 12:20:00' WHERE chat_id = {OtherMember}");

        await world.AdvanceToAsync(MondayWall.AddMinutes(-2));
        Assert.Empty(WallsIn(setup));
        await world.AdvanceToAsync(MondayWall);
        await world.AdvanceToAsync(MondayWall.AddMinutes(5));

        var wall = Assert.Single(WallsIn(setup));
        // Both members had the day's prompt (the other one privately, after the group's days changed).
        Assert.Contains("今日 2 人中已有 1 人回答", wall.Text, StringComparison.Ordinal);
        Assert.Contains("★", wall.Text, StringComparison.Ordinal);
        Assert.Contains("Listening is where service starts.", wall.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_wall_is_posted_on_a_day_off_or_where_the_wall_is_off()
    {
        await using var setup = await StartAsync();
        var world = setup.World;

        // Saturday is no study day of this mon-fri group.
        await world.AdvanceToAsync(new DateTimeOffset(2026, 12, 12, 13, 1, 0, TimeSpan.Zero));
        Assert.Empty(WallsIn(setup));

        await world.Learner(OrganizerA).SendAsync("/groupset wall=off");
        await world.AdvanceToAsync(new DateTimeOffset(2026, 12, 14, 13, 1, 0, TimeSpan.Zero));
        await world.UpdatesHandledAsync();
        Assert.Empty(WallsIn(setup));
    }
}

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
    public async Task Unsharing_a_featured_reflection_takes_it_out_of_the_posted_wall()
    {
        await using var setup = await StartAsync();
        var world = setup.World;
        var member = world.Learner(Member);
        await member.SendAsync("/today");
        var saved = await member.SendAsync("What the passage taught me about patience.");
        var reflection = await world.Db.ScalarAsync<long>($"SELECT id FROM reflections WHERE chat_id = {Member}");
        var share = setup.Api.UserPresses(Member, saved.MessageId, $"sh:{reflection}");
        await setup.Api.WaitUntilAsync(() => setup.Api.ButtonAnswers.FirstOrDefault(a => a.CallbackQueryId == share));
        await world.Db.ExecuteAsync($"UPDATE reflections SET featured_utc = '2026-12-07 12:20:00' WHERE id = {reflection}");
        await world.AdvanceToAsync(MondayWall);
        var wall = Assert.Single(WallsIn(setup));
        Assert.Contains("taught me about patience", wall.Text, StringComparison.Ordinal);

        // Someone else's press changes nothing; the author's takes it out of the post in the chat.
        var forged = setup.Api.UserPresses(OtherMember, (await world.Learner(OtherMember).SendAsync("/points")).MessageId, $"sh:{reflection}:off");
        await setup.Api.WaitUntilAsync(() => setup.Api.ButtonAnswers.FirstOrDefault(a => a.CallbackQueryId == forged));
        Assert.Contains("taught me about patience", Assert.Single(WallsIn(setup)).Text, StringComparison.Ordinal);
        var unshare = setup.Api.UserPresses(Member, saved.MessageId, $"sh:{reflection}:off");
        await setup.Api.WaitUntilAsync(() => setup.Api.ButtonAnswers.FirstOrDefault(a => a.CallbackQueryId == unshare));

        var edited = await setup.Api.WaitUntilAsync(() => WallsIn(setup).SingleOrDefault(m => m.Edits.Count > 0));
        Assert.DoesNotContain("taught me about patience", edited.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("★", edited.Text, StringComparison.Ordinal);
        Assert.Equal(wall.MessageId, edited.MessageId);
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

    [Fact]
    public async Task The_rest_of_a_long_wall_is_a_button_away_posted_once_and_only_in_its_chat()
    {
        await using var setup = await StartAsync();
        var world = setup.World;
        const long ChatOfB = -4002;
        world.Api.CreateGroupChat(ChatOfB, "Branch B circle");
        world.Api.AddBotToGroup(ChatOfB, OrganizerB);
        var linkedB = await setup.SayAsync(OrganizerB, "/link", chatId: ChatOfB);
        await world.Learner(Member).SendAsync("/today");
        for (var i = 1; i <= 9; i++)
        {
            await world.Learner(Member).SendAsync($"Reflection {i}: " + new string('x', 700));
        }

        await world.Db.ExecuteAsync($"UPDATE reflections SET shared_utc = '2026-12-07 12:10:00', featured_utc = '2026-12-07 12:20:00' WHERE chat_id = {Member}");
        await world.AdvanceToAsync(MondayWall);

        var wall = Assert.Single(WallsIn(setup));
        Assert.True(wall.Text.Length <= 4096);
        Assert.Contains("Reflection 6:", wall.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Reflection 7:", wall.Text, StringComparison.Ordinal);
        var (label, data) = Assert.Single(wall.Buttons);
        Assert.Contains("3", label, StringComparison.Ordinal);
        Assert.Equal($"wr:{setup.GroupA}:20261207", data);

        // Its author takes one of the rest back before anyone presses; the bot restarts.
        await world.Db.ExecuteAsync($"UPDATE reflections SET shared_utc = NULL WHERE chat_id = {Member} AND text LIKE 'Reflection 9:%'");
        await world.StopBotAsync();
        await world.StartBotAsync();

        // Branch B's chat cannot pull Branch A's wall with a made-up press.
        var forged = world.Api.UserPresses(ChatOfB, linkedB.MessageId, data, fromId: OrganizerB);
        Assert.False(string.IsNullOrEmpty((await world.Api.WaitForButtonAnswerAsync(forged)).Text));

        var first = world.Api.UserPresses(Chat, wall.MessageId, data, fromId: OtherMember);
        await world.Api.WaitForButtonAnswerAsync(first);
        await world.UpdatesHandledAsync();
        var second = world.Api.UserPresses(Chat, wall.MessageId, data, fromId: Member);
        Assert.False(string.IsNullOrEmpty((await world.Api.WaitForButtonAnswerAsync(second)).Text));
        await world.UpdatesHandledAsync();

        var rest = Assert.Single(setup.Api.SentTo(Chat), m => m.Text.Contains("（续）", StringComparison.Ordinal));
        Assert.Contains("Reflection 7:", rest.Text, StringComparison.Ordinal);
        Assert.Contains("Reflection 8:", rest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Reflection 9:", rest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(setup.Api.SentTo(ChatOfB), m => m.Text.Contains("Reflection", StringComparison.Ordinal));
    }
}

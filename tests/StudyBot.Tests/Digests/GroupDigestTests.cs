using StudyBot.Tests.Groups;
using static StudyBot.Tests.Groups.GroupChatSetup;

namespace StudyBot.Tests.Digests;

// Branch A's linked chat gets its week on Sunday 2026-12-13 at 21:00 Shanghai (13:00 UTC, its
// walltime), once; Branch B has no chat.
public sealed class GroupDigestTests
{
    private static readonly DateTimeOffset SundayWall = new(2026, 12, 13, 13, 0, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset TuesdayMorning = new(2026, 12, 8, 0, 1, 0, TimeSpan.Zero);

    private static List<StudyBot.FakeBotApi.SentMessage> DigestsIn(GroupChatSetup setup) =>
        setup.Api.SentTo(Chat).Where(m => m.Text.Contains("本周回顾", StringComparison.Ordinal)).ToList();

    // Members answer Monday's prompt (through /today) and Ann Tuesday's as well.
    private static async Task<GroupChatSetup> WeekAsync(string settingsOfA)
    {
        var setup = await StartAsync();
        var world = setup.World;
        await world.Learner(OrganizerA).SendAsync("/groupset " + settingsOfA);
        await world.Learner(OrganizerB).SendAsync("/groupset points=on leaderboard=on");
        await world.Db.ExecuteAsync($"UPDATE learners SET display_name = CASE chat_id WHEN {Member} THEN 'Ann' WHEN {OtherMember} THEN 'Ben' ELSE 'Cai' END");
        foreach (var member in new[] { Member, OtherMember, MemberOfB })
        {
            await world.Learner(member).SendAsync("/today");
            await world.Learner(member).SendAsync("What I take from today's quote.");
        }

        await world.AdvanceToAsync(TuesdayMorning);
        await world.Learner(Member).SendAsync("Tuesday's thought.");
        return setup;
    }

    [Fact]
    public async Task The_week_is_posted_once_on_sunday_at_walltime_with_its_days_and_top_ten()
    {
        await using var setup = await WeekAsync("points=on leaderboard=on");
        var world = setup.World;

        // Ben's 2 more points, reached before Ann's Tuesday answer: a tie, Ben first.
        await world.Db.ExecuteAsync($"INSERT INTO points (chat_id, group_id, local_date, reason, points, created_utc) VALUES ({OtherMember}, {setup.GroupA}, '2026-12-09', 'day', 2, '2026-12-07 23:00:00')");

        // Branch B's organizer changes their own group only, and B's points stay out of A's list.
        await world.Learner(OrganizerB).SendAsync("/groupset leaderboard=off");

        await world.AdvanceToAsync(SundayWall.AddMinutes(-2));
        Assert.Empty(DigestsIn(setup));
        await world.AdvanceToAsync(SundayWall);
        await world.AdvanceToAsync(SundayWall.AddMinutes(5));

        var digest = Assert.Single(DigestsIn(setup));
        Assert.Contains("“Branch A”本周回顾（2026-12-07 至 2026-12-13）", digest.Text, StringComparison.Ordinal);
        Assert.Contains("周一 12-07：2 人中 2 人", digest.Text, StringComparison.Ordinal);
        Assert.Contains("周二 12-08：2 人中 1 人", digest.Text, StringComparison.Ordinal);
        Assert.Contains("本周积分前十：\n1. Ben：4 分\n1. Ann：4 分", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Cai", digest.Text, StringComparison.Ordinal);

        // A restart and more sweeps on the same Sunday post nothing more; nothing for unlinked Branch B.
        await world.StopBotAsync();
        await world.StartBotAsync();
        await world.AdvanceToAsync(SundayWall.AddMinutes(10));
        Assert.Single(DigestsIn(setup));
        Assert.Equal(0, await world.Db.CountAsync("group_digests", $"group_id = {setup.GroupB}"));
        Assert.Equal(1, await world.Db.CountAsync("outbox", "kind = 'group-digest'"));
    }

    [Fact]
    public async Task Without_the_leaderboard_the_week_has_no_top_ten()
    {
        await using var setup = await WeekAsync("points=on leaderboard=off");

        await setup.World.AdvanceToAsync(SundayWall);

        var digest = Assert.Single(DigestsIn(setup));
        Assert.Contains("本周共 4 次提示，3 次已回答（75%）", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("积分", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ann", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unlinked_group_gets_no_digest()
    {
        await using var setup = await StartAsync(linked: false);
        var world = setup.World;
        await world.Learner(Member).SendAsync("/today");
        await world.Learner(Member).SendAsync("What I take from today's quote.");

        await world.AdvanceToAsync(SundayWall);

        Assert.Empty(DigestsIn(setup));
        Assert.Equal(0, await world.Db.CountAsync("group_digests"));
    }

    [Theory]
    [InlineData("2026-12-13T12:59:00Z", null)]
    [InlineData("2026-12-13T13:00:00Z", "2026-12-07")]
    [InlineData("2026-12-13T15:59:00Z", "2026-12-07")]
    [InlineData("2026-12-13T16:00:00Z", null)]
    [InlineData("2026-12-12T13:30:00Z", null)]
    public void The_week_is_reported_on_its_sunday_from_walltime(string nowUtc, string? weekStart)
    {
        var now = DateTime.Parse(nowUtc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

        var week = StudyBot.Digests.GroupDigestSweep.WeekToReport(now, zone, new TimeOnly(21, 0));

        Assert.Equal(weekStart is null ? null : DateOnly.Parse(weekStart, System.Globalization.CultureInfo.InvariantCulture), week);
    }
}

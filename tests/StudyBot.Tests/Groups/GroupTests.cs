using System.Text.RegularExpressions;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Groups;

public sealed partial class GroupTests
{
    private const long Owner = TestWorld.AdminId;
    private const long OrganizerA = 501;
    private const long OrganizerB = 502;

    [GeneratedRegex("j_([a-z2-7]+)")]
    private static partial Regex JoinCode();

    [GeneratedRegex("o_([a-z2-7]+)")]
    private static partial Regex OrganizerCode();

    private sealed record CreatedGroup(long Id, string JoinCode, string OrganizerCode);

    private static async Task<CreatedGroup> NewGroupAsync(TestWorld world, string name)
    {
        var reply = await world.Learner(Owner).SendAsync("/newgroup " + name);
        Assert.Contains(name, reply.Text, StringComparison.Ordinal);
        var id = await world.Db.ScalarAsync<long>("SELECT id FROM study_groups WHERE name = @Name", new { Name = name });
        return new CreatedGroup(id, JoinCode().Match(reply.Text).Groups[1].Value, OrganizerCode().Match(reply.Text).Groups[1].Value);
    }

    [Fact]
    public async Task An_owner_creates_groups_organizers_and_members_join_each_by_its_link()
    {
        await using var world = await TestWorld.StartAsync();
        var a = await NewGroupAsync(world, "Branch A");
        var b = await NewGroupAsync(world, "Branch B");
        Assert.NotEqual(a.JoinCode, b.JoinCode);

        var joined = await world.Learner(OrganizerA).SendAsync("/start o_" + a.OrganizerCode);
        Assert.Contains("Branch A", joined.Text, StringComparison.Ordinal);
        await world.Learner(OrganizerB).SendAsync("/start o_" + b.OrganizerCode);
        Assert.Equal(1, await world.Db.CountAsync("group_organizers", $"user_id = {OrganizerA} AND group_id = {a.Id}"));

        // The new organizer's own menu now has the organizer commands.
        var menu = await world.Api.WaitUntilAsync(() => world.Api.CommandMenus.LastOrDefault(c => c.ChatId == OrganizerA && c.LanguageCode == "en"));
        Assert.Contains("groupset", menu.Commands.Select(c => c.Command));
        Assert.DoesNotContain("newgroup", menu.Commands.Select(c => c.Command));

        // A member joins by the invite link, another types the code, each into their own group.
        var welcome = await world.Learner(11).SendAsync("/start j_" + a.JoinCode);
        Assert.Contains("Branch A", welcome.Text, StringComparison.Ordinal);
        var typed = await world.Learner(12).SendAsync("/join " + b.JoinCode.ToUpperInvariant());
        Assert.Contains("Branch B", typed.Text, StringComparison.Ordinal);
        Assert.Equal(a.Id, await world.Db.ScalarAsync<long>("SELECT group_id FROM learners WHERE chat_id = 11"));
        Assert.Equal(b.Id, await world.Db.ScalarAsync<long>("SELECT group_id FROM learners WHERE chat_id = 12"));

        // /help shows an organizer their commands, and a member none of them.
        Assert.Contains("/groupset", (await world.Learner(OrganizerA).SendAsync("/help")).Text, StringComparison.Ordinal);
        Assert.DoesNotContain("/groupset", (await world.Learner(11).SendAsync("/help")).Text, StringComparison.Ordinal);

        // Each organizer sees and acts on their own group only.
        var listA = await world.Learner(OrganizerA).SendAsync("/groups");
        Assert.Contains("Branch A", listA.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Branch B", listA.Text, StringComparison.Ordinal);
        var shown = await world.Learner(OrganizerA).SendAsync("/group");
        Assert.Contains("j_" + a.JoinCode, shown.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(b.JoinCode, shown.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_or_expired_code_is_explained_and_changes_nothing()
    {
        await using var world = await TestWorld.StartAsync();
        var a = await NewGroupAsync(world, "Branch A");

        var unknown = await world.Learner(11).SendAsync("/start j_nosuchcode");
        Assert.Contains("nosuchcode", unknown.Text, StringComparison.Ordinal);
        var typed = await world.Learner(12).SendAsync("/join nosuchcode");
        Assert.Contains("nosuchcode", typed.Text, StringComparison.Ordinal);
        Assert.Equal(0, await world.Db.CountAsync("learners", "chat_id IN (11, 12)"));

        // The organizer link lasts seven days.
        world.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var expired = await world.Learner(OrganizerA).SendAsync("/start o_" + a.OrganizerCode);
        Assert.DoesNotContain("Branch A", expired.Text, StringComparison.Ordinal);
        Assert.Equal(0, await world.Db.CountAsync("group_organizers"));
        Assert.Equal(0, await world.Db.CountAsync("learners", $"chat_id = {OrganizerA}"));

        // An owner's new link lets the organizer in, and the old one stays dead.
        await world.Db.ExecuteAsync($"INSERT INTO current_groups (user_id, group_id) VALUES ({Owner}, {a.Id})");
        var group = await world.Learner(Owner).SendAsync("/group");
        var renewedId = world.Api.UserPresses(Owner, group.MessageId, group.Buttons.Single().Data, fromId: Owner);
        await world.Api.WaitUntilAsync(() => world.Api.ButtonAnswers.FirstOrDefault(x => x.CallbackQueryId == renewedId));
        var renewed = await world.Api.WaitUntilAsync(() => OrganizerCode().Match(world.Api.SentTo(Owner)[^1].Text) is { Success: true } m && m.Groups[1].Value != a.OrganizerCode ? m.Groups[1].Value : null);
        Assert.Contains("Branch A", (await world.Learner(OrganizerA).SendAsync("/start o_" + renewed)).Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Branch A", (await world.Learner(OrganizerB).SendAsync("/start o_" + a.OrganizerCode)).Text, StringComparison.Ordinal);
        Assert.Equal(1, await world.Db.CountAsync("group_organizers"));
    }

    [Fact]
    public async Task Without_open_join_start_asks_for_an_invite_link_and_a_code_still_works()
    {
        await using var world = await TestWorld.StartAsync(settings: s => s["Bot:OpenJoin"] = "false");
        var a = await NewGroupAsync(world, "Branch A");

        var refused = await world.Learner(11).SendAsync("/start");
        Assert.Contains("/join", refused.Text, StringComparison.Ordinal);
        Assert.Equal(0, await world.Db.CountAsync("learners", "chat_id = 11"));

        await world.Learner(11).SendAsync("/start j_" + a.JoinCode);
        Assert.Equal(a.Id, await world.Db.ScalarAsync<long>("SELECT group_id FROM learners WHERE chat_id = 11"));
    }

    [Fact]
    public async Task Switching_groups_keeps_the_history_where_it_was_made()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(11);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");
        await learner.SendAsync("What I learned in the default group");
        var a = await NewGroupAsync(world, "Branch A");

        var moved = await learner.SendAsync("/join " + a.JoinCode);

        Assert.Contains("Branch A", moved.Text, StringComparison.Ordinal);
        Assert.Equal(a.Id, await world.Db.ScalarAsync<long>("SELECT group_id FROM learners WHERE chat_id = 11"));
        Assert.Equal(1, await world.Db.CountAsync("reflections", "chat_id = 11 AND group_id = 1"));
        Assert.Equal(1, await world.Db.CountAsync("deliveries", "chat_id = 11 AND group_id = 1"));
        Assert.Contains("What I learned", (await learner.SendAsync("/history")).Text, StringComparison.Ordinal);
        Assert.Contains("Branch A", (await learner.SendAsync("/join " + a.JoinCode)).Text, StringComparison.Ordinal);
        Assert.Equal(1, await world.Db.CountAsync("learners", "chat_id = 11"));
    }

    [Fact]
    public async Task Groupset_changes_all_or_nothing_and_names_each_bad_key_and_value()
    {
        await using var world = await TestWorld.StartAsync();
        var a = await NewGroupAsync(world, "Branch A");
        await world.Learner(OrganizerA).SendAsync("/start o_" + a.OrganizerCode);
        var organizer = world.Learner(OrganizerA);

        var refused = await organizer.SendAsync("/groupset days=mon-fri colour=red makeup=9 end=2026-01-01");
        Assert.Contains("colour", refused.Text, StringComparison.Ordinal);
        Assert.Contains("makeup", refused.Text, StringComparison.Ordinal);
        Assert.Contains("end", refused.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("days", refused.Text, StringComparison.Ordinal);
        Assert.Equal(127, await world.Db.ScalarAsync<long>($"SELECT study_days FROM study_groups WHERE id = {a.Id}"));

        var saved = await organizer.SendAsync("""/groupset name="Branch A, evening" language=en time=19:30 zone=Europe/Berlin start=2026-12-14 end=2027-03-31 days=mon-fri makeup=3 points=on leaderboard=on wall=off walltime=20:00 reminder=21:00 pack=classics-zh""");
        Assert.Contains("days=mon-fri", saved.Text, StringComparison.Ordinal);
        var row = (await world.Db.QueryAsync<string>(
            $"""
            SELECT name || '|' || language || '|' || delivery_time || '|' || time_zone || '|' || {TestDatabase.AsText("start_date", 10)} || '|' || {TestDatabase.AsText("end_date", 10)} || '|' ||
                   study_days || '|' || makeup_days || '|' || points || leaderboard || wall || '|' || wall_time || '|' || reminder_time || '|' || pack_name
            FROM study_groups WHERE id = {a.Id}
            """)).Single();
        Assert.Equal("Branch A, evening|en|19:30|Europe/Berlin|2026-12-14|2027-03-31|62|3|110|20:00|21:00|classics-zh", row);

        var off = await organizer.SendAsync("/groupset reminder=off end=none");
        Assert.Contains("reminder=off", off.Text, StringComparison.Ordinal);
        Assert.Equal(1, await world.Db.CountAsync("study_groups", $"id = {a.Id} AND reminder_time IS NULL AND end_date IS NULL"));
    }

    [Fact]
    public async Task An_organizer_of_one_group_can_never_pick_see_or_change_another()
    {
        await using var world = await TestWorld.StartAsync();
        var a = await NewGroupAsync(world, "Branch A");
        var b = await NewGroupAsync(world, "Branch B");
        await world.Learner(OrganizerA).SendAsync("/start o_" + a.OrganizerCode);
        var organizer = world.Learner(OrganizerA);

        // A forged button to pick group B, or to renew B's organizer link, is refused.
        var list = await organizer.SendAsync("/groups");
        var pick = world.Api.UserPresses(OrganizerA, list.MessageId, $"grp:{b.Id}", fromId: OrganizerA);
        var all = world.Api.UserPresses(OrganizerA, list.MessageId, "grp:all", fromId: OrganizerA);
        var renew = world.Api.UserPresses(OrganizerA, list.MessageId, $"grpcode:{b.Id}", fromId: OrganizerA);
        foreach (var press in new[] { pick, all, renew })
        {
            var answer = await world.Api.WaitUntilAsync(() => world.Api.ButtonAnswers.FirstOrDefault(x => x.CallbackQueryId == press));
            Assert.False(string.IsNullOrEmpty(answer.Text));
        }

        Assert.Equal(0, await world.Db.CountAsync("current_groups"));
        Assert.Equal(b.OrganizerCode, await world.Db.ScalarAsync<string>($"SELECT organizer_code FROM study_groups WHERE id = {b.Id}"));

        // Whatever they send, it lands on group A.
        await organizer.SendAsync("/groupset days=mon-fri");
        Assert.Equal(62, await world.Db.ScalarAsync<long>($"SELECT study_days FROM study_groups WHERE id = {a.Id}"));
        Assert.Equal(127, await world.Db.ScalarAsync<long>($"SELECT study_days FROM study_groups WHERE id = {b.Id}"));
        Assert.DoesNotContain("Branch B", (await organizer.SendAsync("/group")).Text, StringComparison.Ordinal);

        // An owner acts on all groups until they pick one; then on that one.
        var owner = world.Learner(Owner);
        Assert.Contains("/groups", (await owner.SendAsync("/group")).Text, StringComparison.Ordinal);
        var ownerList = await owner.SendAsync("/groups");
        Assert.Contains("Branch B", ownerList.Text, StringComparison.Ordinal);
        var pressed = world.Api.UserPresses(Owner, ownerList.MessageId, ownerList.Buttons.Single(x => x.Text.Contains("Branch B", StringComparison.Ordinal)).Data, fromId: Owner);
        await world.Api.WaitUntilAsync(() => world.Api.ButtonAnswers.FirstOrDefault(x => x.CallbackQueryId == pressed));
        Assert.Contains("Branch B", (await owner.SendAsync("/group")).Text, StringComparison.Ordinal);
    }
}

public sealed class GroupStatsTests
{
    [Fact]
    public async Task An_organizers_stats_count_their_own_group_only_and_an_owners_the_whole_deployment()
    {
        await using var world = await TestWorld.StartAsync();
        var newGroup = await world.Learner(TestWorld.AdminId).SendAsync("/newgroup Branch A");
        var organizerCode = System.Text.RegularExpressions.Regex.Match(newGroup.Text, "o_([a-z2-7]+)").Groups[1].Value;
        await world.Learner(501).SendAsync("/start o_" + organizerCode);
        var a = await world.Db.ScalarAsync<long>("SELECT id FROM study_groups WHERE name = 'Branch A'");

        // Three in the default group, two in A; one of A's answered today.
        foreach (var chat in new long[] { 1, 2, 3, 4, 5 })
        {
            await world.Db.AddLearnerAsync(chat, $"Learner {chat}");
        }

        await world.Db.ExecuteAsync($"UPDATE learners SET group_id = {a} WHERE chat_id IN (4, 5)");
        foreach (var chat in new long[] { 1, 2, 3, 4, 5 })
        {
            var delivery = await world.Db.AddDeliveryAsync(chat, "2026-12-07");
            await world.Db.ExecuteAsync($"UPDATE deliveries SET group_id = (SELECT group_id FROM learners WHERE chat_id = {chat}) WHERE id = {delivery}");
            if (chat == 4)
            {
                await world.Db.AddReflectionAsync(chat, delivery);
            }
        }

        world.Api.UserSends(501, "/stats");
        var organizers = await world.Api.WaitForMessageAsync(501, m => m.Method == "sendPhoto");
        Assert.StartsWith("订阅者共 2 人", organizers.Caption, StringComparison.Ordinal);
        Assert.Contains("已推送 2 条，收到感想 1 条", organizers.Caption, StringComparison.Ordinal);

        world.Api.UserSends(TestWorld.AdminId, "/stats");
        var owners = await world.Api.WaitForMessageAsync(TestWorld.AdminId, m => m.Method == "sendPhoto");
        Assert.StartsWith("订阅者共 5 人", owners.Caption, StringComparison.Ordinal);
        Assert.Contains("已推送 5 条，收到感想 1 条", owners.Caption, StringComparison.Ordinal);
    }
}

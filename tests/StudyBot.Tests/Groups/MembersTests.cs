using System.Text.RegularExpressions;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Groups;

public sealed class MembersTests
{
    private const long OrganizerA = 501;
    private const long OrganizerB = 502;

    // Group A with twelve members (Member 01..12) and group B with one; Member 01 answered the
    // prompts of 12-05 and 12-06 and missed 12-04's.
    private static async Task<(TestWorld World, long A, long B)> GroupsAsync()
    {
        var world = await TestWorld.StartAsync();
        var ids = new List<long>();
        foreach (var (name, organizer) in new[] { ("Branch A", OrganizerA), ("Branch B", OrganizerB) })
        {
            var created = await world.Learner(TestWorld.AdminId).SendAsync("/newgroup " + name);
            await world.Learner(organizer).SendAsync("/start o_" + Regex.Match(created.Text, "o_([a-z2-7]+)").Groups[1].Value);
            ids.Add(await world.Db.ScalarAsync<long>("SELECT id FROM study_groups WHERE name = @Name", new { Name = name }));
        }

        for (var i = 1; i <= 13; i++)
        {
            await world.Db.AddLearnerAsync(i, $"Member {i:00}");
            await world.Db.ExecuteAsync($"UPDATE learners SET group_id = {(i <= 12 ? ids[0] : ids[1])} WHERE chat_id = {i}");
        }

        foreach (var day in new[] { "2026-12-04", "2026-12-05", "2026-12-06" })
        {
            var delivery = await world.Db.AddDeliveryAsync(1, day);
            await world.Db.ExecuteAsync($"UPDATE deliveries SET group_id = {ids[0]} WHERE id = {delivery}");
            if (day != "2026-12-04")
            {
                await world.Db.AddReflectionAsync(1, delivery);
                await world.Db.ExecuteAsync($"UPDATE reflections SET group_id = {ids[0]}, created_utc = '{day} 04:00:00' WHERE delivery_id = {delivery}");
            }
        }

        return (world, ids[0], ids[1]);
    }

    [Fact]
    public async Task Members_come_in_pages_with_their_participation_in_the_group()
    {
        var (world, a, _) = await GroupsAsync();
        await using var _world = world;

        var page = await world.Learner(OrganizerA).SendAsync("/members");

        Assert.Contains("共 12 人，第 1/2 页", page.Text, StringComparison.Ordinal);
        Assert.Contains("1. Member 01（活跃）：已回答 2，缺卡 1，最近回答 2026-12-06，连续 2 天", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Member 13", page.Text, StringComparison.Ordinal);
        Assert.Equal(11, page.Buttons.Count);
        Assert.Equal($"mem:{a}:0:rm:1", page.Buttons[0].Data);

        var next = page.Buttons[^1];
        Assert.Equal("▶", next.Text);
        world.Api.UserPresses(OrganizerA, page.MessageId, next.Data, fromId: OrganizerA);
        await world.Api.WaitUntilAsync(() => world.Api.SentTo(OrganizerA).Single(m => m.MessageId == page.MessageId).Text.Contains("第 2/2 页", StringComparison.Ordinal) ? "" : null);
        Assert.Contains("11. Member 11", world.Api.SentTo(OrganizerA).Single(m => m.MessageId == page.MessageId).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_removed_after_a_second_press_keeps_their_reflections_and_is_told()
    {
        var (world, a, _) = await GroupsAsync();
        await using var _world = world;
        var page = await world.Learner(OrganizerA).SendAsync("/members");

        world.Api.UserPresses(OrganizerA, page.MessageId, page.Buttons[0].Data, fromId: OrganizerA);
        var asked = await world.Api.WaitUntilAsync(() => world.Api.SentTo(OrganizerA).Single(m => m.MessageId == page.MessageId) is { } m && m.Text.Contains("Member 01", StringComparison.Ordinal) && m.Buttons.Count == 2 ? m : null);
        Assert.Equal(1, await world.Db.CountAsync("learners", $"chat_id = 1 AND group_id = {a} AND status = 'active'"));

        world.Api.UserPresses(OrganizerA, page.MessageId, asked.Buttons[0].Data, fromId: OrganizerA);
        var told = await world.Api.WaitForMessageAsync(1);
        Assert.Contains("Branch A", told.Text, StringComparison.Ordinal);
        Assert.Equal(1, await world.Db.CountAsync("learners", "chat_id = 1 AND group_id = 1 AND status = 'stopped' AND next_delivery_utc IS NULL"));
        Assert.Equal(2, await world.Db.CountAsync("reflections", "chat_id = 1"));
        Assert.Equal(1, await world.Db.CountAsync("audit", "action = 'group.remove_member'"));
    }

    [Fact]
    public async Task An_organizer_of_another_group_can_neither_list_nor_remove_its_members()
    {
        var (world, a, _) = await GroupsAsync();
        await using var _world = world;

        var theirs = await world.Learner(OrganizerB).SendAsync("/members");
        Assert.Contains("共 1 人", theirs.Text, StringComparison.Ordinal);
        Assert.Contains("Member 13", theirs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Member 01", theirs.Text, StringComparison.Ordinal);

        // Forged presses on group A's list and removal, from B's organizer: refused, nothing changes.
        foreach (var data in new[] { $"mem:{a}:0", $"mem:{a}:0:rm:1", $"mem:{a}:0:rmok:1" })
        {
            var press = world.Api.UserPresses(OrganizerB, theirs.MessageId, data, fromId: OrganizerB);
            var answer = await world.Api.WaitUntilAsync(() => world.Api.ButtonAnswers.FirstOrDefault(x => x.CallbackQueryId == press));
            Assert.False(string.IsNullOrEmpty(answer.Text));
        }

        await world.UpdatesHandledAsync();
        Assert.Equal(12, await world.Db.CountAsync("learners", $"group_id = {a} AND status = 'active'"));
        Assert.DoesNotContain("Member 01", world.Api.SentTo(OrganizerB).Single(m => m.MessageId == theirs.MessageId).Text, StringComparison.Ordinal);
        Assert.Empty(world.Api.SentTo(1));
    }
}

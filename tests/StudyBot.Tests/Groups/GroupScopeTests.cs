using System.Text;
using System.Text.RegularExpressions;
using StudyBot.FakeBotApi;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Groups;

// Two groups, each with its organizer and two members: whatever an organizer of A sends, reads or
// triggers reaches A only; an owner acting on all groups reaches both.
public sealed class GroupScopeTests
{
    private const long Owner = TestWorld.AdminId;
    private const long OrganizerA = 501;
    private const long OrganizerB = 502;
    private static readonly long[] MembersA = [11, 12];
    private static readonly long[] MembersB = [21, 22];

    // Both groups set up through the bot; today's prompt delivered to all four members, and 11 and
    // 21 have answered it.
    private static async Task<TestWorld> TwoGroupsAsync()
    {
        var world = await TestWorld.StartAsync();
        foreach (var (name, organizer, members) in new[] { ("Branch A", OrganizerA, MembersA), ("Branch B", OrganizerB, MembersB) })
        {
            var created = await world.Learner(Owner).SendAsync("/newgroup " + name);
            await world.Learner(organizer).SendAsync("/start o_" + Regex.Match(created.Text, "o_([a-z2-7]+)").Groups[1].Value);
            foreach (var member in members)
            {
                await world.Learner(member).SendAsync("/start j_" + Regex.Match(created.Text, "j_([a-z2-7]+)").Groups[1].Value);
                var delivery = await world.Db.AddDeliveryAsync(member, "2026-12-07");
                await world.Db.ExecuteAsync($"UPDATE deliveries SET group_id = (SELECT group_id FROM learners WHERE chat_id = {member}) WHERE id = {delivery}");
                if (member is 11 or 21)
                {
                    await world.Learner(member).SendAsync($"What member {member} learned");
                }
            }
        }

        return world;
    }

    private static async Task<SentMessage> DraftAsync(TestWorld world, long organizer, string text)
    {
        var before = world.Api.SentTo(organizer).Count;
        world.Api.UserSends(organizer, text);
        await world.Api.WaitForNthMessageAsync(organizer, before + 2);
        return world.Api.SentTo(organizer)[before + 1];
    }

    [Fact]
    public async Task A_broadcast_reaches_the_organizers_group_only_and_only_its_organizers_may_confirm_it()
    {
        await using var world = await TwoGroupsAsync();
        var preview = await DraftAsync(world, OrganizerA, "/broadcast Meeting at seven");
        Assert.Contains("2", world.Api.SentTo(OrganizerA)[^2].Text, StringComparison.Ordinal);

        // The other group's organizer presses A's buttons (forged into their own chat): refused.
        var forged = world.Api.UserPresses(OrganizerA, preview.MessageId, preview.Buttons[0].Data, fromId: OrganizerB);
        var refusal = await world.Api.WaitUntilAsync(() => world.Api.ButtonAnswers.FirstOrDefault(a => a.CallbackQueryId == forged));
        Assert.False(string.IsNullOrEmpty(refusal.Text));
        Assert.Equal(0, await world.Db.CountAsync("outbox", "kind = 'broadcast'"));

        world.Api.UserPresses(OrganizerA, preview.MessageId, preview.Buttons[0].Data, fromId: OrganizerA);
        await world.Api.WaitUntilAsync(() => MembersA.All(m => world.Api.SentTo(m).Any(x => x.Text == "Meeting at seven")) ? "" : null);
        await world.UpdatesHandledAsync();
        Assert.All(MembersB, m => Assert.DoesNotContain(world.Api.SentTo(m), x => x.Text == "Meeting at seven"));
        Assert.Equal(2, await world.Db.CountAsync("outbox", "kind = 'broadcast'"));

        // An owner acting on all groups reaches everyone.
        var ownerPreview = await DraftAsync(world, Owner, "/broadcast For everyone");
        world.Api.UserPresses(Owner, ownerPreview.MessageId, ownerPreview.Buttons[0].Data, fromId: Owner);
        await world.Api.WaitUntilAsync(() => MembersA.Concat(MembersB).All(m => world.Api.SentTo(m).Any(x => x.Text == "For everyone")) ? "" : null);

        // And an owner's draft to everyone cannot be confirmed by an organizer.
        var third = await DraftAsync(world, Owner, "/broadcast Owners only");
        var pressed = world.Api.UserPresses(Owner, third.MessageId, third.Buttons[0].Data, fromId: OrganizerA);
        await world.Api.WaitUntilAsync(() => world.Api.ButtonAnswers.FirstOrDefault(a => a.CallbackQueryId == pressed));
        await world.UpdatesHandledAsync();
        Assert.Equal(0, await world.Db.CountAsync("outbox", "text = 'Owners only'"));
    }

    [Fact]
    public async Task Remind_nudges_the_organizers_unanswered_members_only()
    {
        await using var world = await TwoGroupsAsync();

        var reply = await world.Learner(OrganizerA).SendAsync("/remind");

        Assert.Contains("1", reply.Text, StringComparison.Ordinal);
        await world.UpdatesHandledAsync();
        Assert.Equal(1, await world.Db.CountAsync("reminders"));
        Assert.Equal(1, await world.Db.CountAsync("reminders", "chat_id = 12"));
    }

    [Fact]
    public async Task Exportall_holds_the_reflections_made_in_the_organizers_group_only()
    {
        await using var world = await TwoGroupsAsync();

        world.Api.UserSends(OrganizerA, "/exportall");
        var csv = await world.Api.WaitForMessageAsync(OrganizerA, m => m.Method == "sendDocument" && m.FileName!.EndsWith(".csv", StringComparison.Ordinal));

        var text = Encoding.UTF8.GetString(csv.FileContent!);
        Assert.Contains("What member 11 learned", text, StringComparison.Ordinal);
        Assert.DoesNotContain("What member 21 learned", text, StringComparison.Ordinal);

        world.Api.UserSends(Owner, "/exportall");
        var all = await world.Api.WaitForMessageAsync(Owner, m => m.Method == "sendDocument" && m.FileName!.EndsWith(".csv", StringComparison.Ordinal));
        Assert.Contains("What member 21 learned", Encoding.UTF8.GetString(all.FileContent!), StringComparison.Ordinal);
    }
}

using static StudyBot.Tests.Groups.GroupChatSetup;

namespace StudyBot.Tests.Groups;

// A group's Telegram chat: linked and unlinked from inside it by the group's organizers only, the
// bot's silence there, and the link's end or move when the bot is removed or the chat upgraded.
public sealed class GroupChatLinkTests
{
    private const long Supergroup = -1001234567890;

    [Fact]
    public async Task An_organizer_links_the_chat_from_inside_it_group_shows_it_and_unlink_undoes_it()
    {
        await using var setup = await StartAsync();
        var world = setup.World;
        var organizer = world.Learner(OrganizerA);

        Assert.Contains(Title, (await organizer.SendAsync("/group")).Text, StringComparison.Ordinal);
        Assert.Equal(OrganizerA, await world.Db.ScalarAsync<long>("SELECT linked_by_user_id FROM study_groups WHERE id = @Id", new { Id = setup.GroupA }));

        // Addressed to the bot by name it works the same: the chat is linked to Branch A already.
        var again = await setup.SayAsync(OrganizerA, "/link@StudyTestBot");
        Assert.Contains("Branch A", again.Text, StringComparison.Ordinal);

        // In the private chat /link and /unlink only say where they work.
        Assert.Contains("/link", (await organizer.SendAsync("/link")).Text, StringComparison.Ordinal);
        Assert.Contains("/unlink", (await organizer.SendAsync("/unlink")).Text, StringComparison.Ordinal);
        Assert.Equal(Chat, await setup.LinkedChatAsync(setup.GroupA));

        var unlinked = await setup.SayAsync(OrganizerA, "/unlink");
        Assert.Contains("Branch A", unlinked.Text, StringComparison.Ordinal);
        Assert.Null(await setup.LinkedChatAsync(setup.GroupA));
        Assert.DoesNotContain(Title, (await organizer.SendAsync("/group")).Text, StringComparison.Ordinal);

        // A second /unlink: one line, nothing to undo.
        await setup.SayAsync(OrganizerA, "/unlink");
        Assert.Equal(1, await world.Db.CountAsync("audit", "action = 'group.link'"));
        Assert.Equal(1, await world.Db.CountAsync("audit", "action = 'group.unlink'"));
    }

    [Fact]
    public async Task An_organizer_of_another_group_or_a_member_can_neither_link_nor_unlink_the_chat()
    {
        await using var setup = await StartAsync();
        var world = setup.World;

        var linkByOther = await setup.SayAsync(OrganizerB, "/link");
        var unlinkByOther = await setup.SayAsync(OrganizerB, "/unlink");
        var linkByMember = await setup.SayAsync(Member, "/link");
        var unlinkByMember = await setup.SayAsync(Member, "/unlink@StudyTestBot");

        Assert.DoesNotContain("Branch B", linkByOther.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Branch A", unlinkByOther.Text, StringComparison.Ordinal);
        Assert.Contains("/link", linkByMember.Text, StringComparison.Ordinal);
        Assert.Contains("/unlink", unlinkByMember.Text, StringComparison.Ordinal);
        Assert.Equal(Chat, await setup.LinkedChatAsync(setup.GroupA));
        Assert.Null(await setup.LinkedChatAsync(setup.GroupB));

        // One line each, and nothing else.
        await world.UpdatesHandledAsync();
        Assert.Equal(5, setup.Api.SentTo(Chat).Count);
        Assert.Equal(1, await world.Db.CountAsync("audit", "action LIKE 'group.%link'"));
    }

    [Fact]
    public async Task Someone_who_runs_several_groups_picks_one_with_a_button_only_they_may_press()
    {
        await using var setup = await StartAsync(linked: false);

        // An owner runs every group: the default one, Branch A and Branch B.
        var pick = await setup.SayAsync(Owner, "/link");
        Assert.Equal(3, pick.Buttons.Count);
        var branchB = pick.Buttons.Single(b => b.Text == "Branch B");

        var refused = await setup.Api.WaitForButtonAnswerAsync(setup.Api.UserPresses(Chat, pick.MessageId, branchB.Data, fromId: OrganizerA));
        Assert.Contains("/link", refused.Text, StringComparison.Ordinal);
        Assert.Null(await setup.LinkedChatAsync(setup.GroupB));

        await setup.Api.WaitForButtonAnswerAsync(setup.Api.UserPresses(Chat, pick.MessageId, branchB.Data, fromId: Owner));
        await setup.UntilLinkedChatIsAsync(setup.GroupB, Chat);
        var edited = await setup.Api.WaitUntilAsync(() => setup.Api.SentTo(Chat).SingleOrDefault(m => m.MessageId == pick.MessageId && m.Edits.Count > 0));
        Assert.Contains("Branch B", edited.Text, StringComparison.Ordinal);
        Assert.Empty(edited.Buttons);
        Assert.Null(await setup.LinkedChatAsync(setup.GroupA));
    }

    [Fact]
    public async Task In_a_group_chat_other_commands_point_to_the_private_chat_and_the_groups_talk_gets_no_answer()
    {
        await using var setup = await StartAsync();
        var world = setup.World;

        var today = await setup.SayAsync(Member, "/today");
        var stats = await setup.SayAsync(OrganizerA, "/stats");
        var export = await setup.SayAsync(Owner, "/exportall@StudyTestBot");
        Assert.All(new[] { today, stats, export }, line => Assert.Contains("https://t.me/StudyTestBot", line.Text, StringComparison.Ordinal));
        Assert.Contains("/stats", stats.Text, StringComparison.Ordinal);

        // Talk, a reply to the bot's own answer (not a daily post), another bot's command: silence.
        var before = setup.Api.SentTo(Chat).Count;
        var linkAnswer = setup.Api.SentTo(Chat)[0];
        setup.Api.UserSendsInGroup(Chat, Member, "Good morning, everyone");
        setup.Api.UserSendsInGroup(Chat, Member, "Thanks for linking!", replyToMessageId: linkAnswer.MessageId);
        setup.Api.UserSendsInGroup(Chat, OtherMember, "/help@SomeOtherBot");
        await world.UpdatesHandledAsync();

        Assert.Equal(before, setup.Api.SentTo(Chat).Count);
        Assert.All(setup.Api.SentTo(Chat), m => Assert.Equal("sendMessage", m.Method));
        Assert.Equal(0, await world.Db.CountAsync("audit", "action IN ('stats', 'exportall')"));
        Assert.Equal(0, await world.Db.CountAsync("reflections"));
    }

    [Fact]
    public async Task Removing_the_bot_from_the_chat_unlinks_it_and_tells_the_organizer_who_linked_it()
    {
        await using var setup = await StartAsync();
        var before = setup.Api.SentTo(OrganizerA).Count;

        setup.Api.RemoveBotFromGroup(Chat, Member, kicked: true);

        await setup.UntilLinkedChatIsAsync(setup.GroupA, null);
        Assert.Contains(Title, (await setup.Api.WaitForNthMessageAsync(OrganizerA, before + 1)).Text, StringComparison.Ordinal);
        await setup.World.AdvanceToAsync(MondayPost);
        Assert.Equal(0, await setup.World.Db.CountAsync("group_posts"));
        Assert.Empty(setup.PostsIn());
    }

    [Fact]
    public async Task A_chat_that_becomes_a_supergroup_keeps_its_link_and_gets_its_posts_under_the_new_id()
    {
        await using var setup = await StartAsync();

        setup.Api.MigrateGroupToSupergroup(Chat, Supergroup, OrganizerA);

        await setup.UntilLinkedChatIsAsync(setup.GroupA, Supergroup);
        await setup.Api.WaitForMessageAsync(OrganizerA, m => m.Text.Contains(Title, StringComparison.Ordinal));
        var post = await setup.PostAtAsync(MondayPost, Supergroup);
        Assert.Empty(setup.PostsIn(Chat));

        var reply = setup.Api.UserSendsInGroup(Supergroup, Member, "An answer in the supergroup", post.MessageId);
        await setup.Api.WaitUntilAsync(() => setup.Api.ReactionsOn(Supergroup, reply.Id) is { Count: > 0 } reactions ? reactions : null);
        Assert.Equal(1, await setup.World.Db.CountAsync("reflections", $"chat_id = {Member} AND source_chat_id = {Supergroup}"));
    }

    [Fact]
    public async Task A_post_refused_because_the_chat_became_a_supergroup_goes_there_and_the_link_follows()
    {
        const long OldChat = -4002;
        const long NewSupergroup = -1009876543210;
        await using var setup = await StartAsync();
        var world = setup.World;

        // A chat whose upgrade the bot never heard of while it was linked: the service message
        // came before the link, which then named the old id.
        setup.Api.CreateGroupChat(OldChat, "Old circle");
        setup.Api.AddBotToGroup(OldChat, OrganizerA);
        setup.Api.MigrateGroupToSupergroup(OldChat, NewSupergroup, OrganizerA);
        await world.UpdatesHandledAsync();
        await world.Db.ExecuteAsync("UPDATE study_groups SET linked_chat_id = @OldChat, linked_chat_title = 'Old circle' WHERE id = @Id", new { OldChat, Id = setup.GroupA });

        var post = await setup.PostAtAsync(MondayPost, NewSupergroup);

        await setup.UntilLinkedChatIsAsync(setup.GroupA, NewSupergroup);
        Assert.Equal(NewSupergroup, await world.Db.ScalarAsync<long>("SELECT linked_chat_id FROM group_posts"));
        Assert.Equal(post.MessageId, await world.Db.ScalarAsync<long>("SELECT message_id FROM group_posts"));
        await setup.Api.WaitForMessageAsync(OrganizerA, m => m.Text.Contains("Old circle", StringComparison.Ordinal));
    }
}

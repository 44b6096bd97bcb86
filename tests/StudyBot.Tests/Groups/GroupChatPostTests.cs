using StudyBot.Tests.Infrastructure;
using static StudyBot.Tests.Groups.GroupChatSetup;

namespace StudyBot.Tests.Groups;

// The day's item in a linked chat, members' replies to it, and the notices posted there.
public sealed class GroupChatPostTests
{
    [Fact]
    public async Task The_days_item_is_posted_once_at_the_groups_time_on_study_days_only_with_a_join_button()
    {
        await using var setup = await StartAsync();
        var world = setup.World;

        await world.AdvanceToAsync(MondayPost.AddMinutes(-1));
        Assert.Empty(setup.PostsIn());

        var post = await setup.PostAtAsync(MondayPost);
        Assert.Equal("https://t.me/StudyTestBot?start=j_" + setup.JoinCodeA, JoinUrl(post));
        Assert.Equal(post.MessageId, await world.Db.ScalarAsync<long>("SELECT message_id FROM group_posts"));

        // Once, whatever sweeps and restarts follow.
        await world.SweepAsync();
        await world.StopBotAsync();
        await world.StartBotAsync();
        await world.AdvanceToAsync(MondayPost.AddHours(3));
        Assert.Single(setup.PostsIn());

        // Each day of the week at 20:00: Tuesday to Friday and the next Monday, not the weekend.
        for (var day = 1; day <= 7; day++)
        {
            await world.AdvanceToAsync(MondayPost.AddDays(day));
        }

        var days = await world.Db.QueryAsync<string>($"SELECT {TestDatabase.AsText("local_date", 10)} FROM group_posts ORDER BY local_date");
        Assert.Equal(new[] { "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11", "2026-12-14" }, days);
        Assert.Equal(6, setup.PostsIn().Count);
    }

    [Fact]
    public async Task A_members_reply_to_the_post_is_their_reflection_for_the_day_confirmed_by_a_reaction_only()
    {
        await using var setup = await StartAsync();
        var world = setup.World;

        // Their own prompt would come at 21:00 today; the answer in the group takes its place.
        await world.Learner(OtherMember).SendAsync("/time 21:00");
        var post = await setup.PostAtAsync(MondayPost);
        var inChat = setup.Api.SentTo(Chat).Count;

        // What the bot says in the chat besides the day's wall at 21:00.
        int SaidInChat() => setup.Api.SentTo(Chat).Count(m => !m.Text.Contains("打卡墙", StringComparison.Ordinal));
        var inPrivate = setup.Api.SentTo(OtherMember).Count;

        var reply = setup.Api.UserSendsInGroup(Chat, OtherMember, "Listening is where service starts.", post.MessageId);

        var reactions = await setup.Api.WaitUntilAsync(() => setup.Api.ReactionsOn(Chat, reply.Id) is { Count: > 0 } r ? r : null);
        Assert.Equal(new[] { "✍" }, reactions);
        var saved = (await world.Db.QueryAsync<(long ChatId, long SourceChatId, long MessageId, long GroupId)>(
            "SELECT chat_id, source_chat_id, message_id, group_id FROM reflections")).Single();
        Assert.Equal((OtherMember, Chat, (long)reply.Id, setup.GroupA), saved);
        var delivery = (await world.Db.QueryAsync<(string LocalDate, string Quote, long GroupId)>(
            $"SELECT {TestDatabase.AsText("d.local_date", 10)}, d.quote, d.group_id FROM deliveries d JOIN reflections r ON r.delivery_id = d.id")).Single();
        Assert.Equal("2026-12-07", delivery.LocalDate);
        Assert.Contains(delivery.Quote, post.Text, StringComparison.Ordinal);
        Assert.Equal(setup.GroupA, delivery.GroupId);

        // Nothing said in the group, and no private prompt for that day.
        await world.AdvanceToAsync(MondayPost.AddHours(1).AddMinutes(30));
        await world.UpdatesHandledAsync();
        Assert.Equal(inChat, SaidInChat());
        Assert.Equal(inPrivate, setup.Api.SentTo(OtherMember).Count);

        // An edit updates it; /history shows it.
        setup.Api.UserEdits(reply, "Listening is where service begins.");
        await TestWorld.EventuallyAsync(async () => await world.Db.ScalarAsync<string>("SELECT text FROM reflections") == "Listening is where service begins.", "the edit is saved");
        Assert.Equal(1, await world.Db.CountAsync("reflections"));
        Assert.Contains("service begins", (await world.Learner(OtherMember).SendAsync("/history")).Text, StringComparison.Ordinal);
        Assert.Equal(inChat, SaidInChat());
    }

    [Fact]
    public async Task A_reply_in_the_group_never_collides_with_a_private_message_of_the_same_id()
    {
        await using var setup = await StartAsync();
        var world = setup.World;
        var post = await setup.PostAtAsync(MondayPost);

        // The member answers today's prompt in private too, as message n of that chat...
        var member = world.Learner(Member);
        await member.SendAsync("/help");
        await member.SendAsync("/help");
        await member.SendAsync("/today");
        var before = member.Received;
        var privateAnswer = setup.Api.UserSends(Member, "My answer in private");
        await member.NextAsync(before);

        // ... and in the group as message n of the group chat.
        for (var last = 0; last < privateAnswer.Id - 1;)
        {
            last = setup.Api.UserSendsInGroup(Chat, Member, "(chatting)").Id;
        }

        var reply = setup.Api.UserSendsInGroup(Chat, Member, "My answer in the group", post.MessageId);
        Assert.Equal(privateAnswer.Id, reply.Id);
        await setup.Api.WaitUntilAsync(() => setup.Api.ReactionsOn(Chat, reply.Id) is { Count: > 0 } r ? r : null);

        Assert.Equal(2, await world.Db.CountAsync("reflections", $"chat_id = {Member} AND message_id = {reply.Id}"));
        Assert.Equal(1, await world.Db.CountAsync("deliveries", $"chat_id = {Member}"));
        var history = (await member.SendAsync("/history")).Text;
        Assert.Contains("My answer in private", history, StringComparison.Ordinal);
        Assert.Contains("My answer in the group", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_from_someone_who_is_not_a_member_is_ignored_in_silence()
    {
        await using var setup = await StartAsync();
        var world = setup.World;
        var post = await setup.PostAtAsync(MondayPost);
        await world.Learner(OtherMember).SendAsync("/stop");
        var inChat = setup.Api.SentTo(Chat).Count;
        var toMemberOfB = setup.Api.SentTo(MemberOfB).Count;
        var toStopped = setup.Api.SentTo(OtherMember).Count;

        var replies = new[]
        {
            setup.Api.UserSendsInGroup(Chat, Stranger, "Nice quote", post.MessageId),
            setup.Api.UserSendsInGroup(Chat, MemberOfB, "Visiting from Branch B", post.MessageId),
            setup.Api.UserSendsInGroup(Chat, OtherMember, "I stopped, but here is my answer", post.MessageId),
        };
        await world.UpdatesHandledAsync();

        Assert.Equal(0, await world.Db.CountAsync("reflections"));
        Assert.Equal(0, await world.Db.CountAsync("deliveries", $"chat_id IN ({Stranger}, {MemberOfB})"));
        Assert.All(replies, reply => Assert.Empty(setup.Api.ReactionsOn(Chat, reply.Id)));
        Assert.Equal(inChat, setup.Api.SentTo(Chat).Count);
        Assert.Empty(setup.Api.SentTo(Stranger));
        Assert.Equal(toMemberOfB, setup.Api.SentTo(MemberOfB).Count);
        Assert.Equal(toStopped, setup.Api.SentTo(OtherMember).Count);
    }

    [Fact]
    public async Task A_post_the_chat_refuses_with_403_unlinks_it_and_tells_the_organizer()
    {
        await using var setup = await StartAsync();
        var world = setup.World;
        var before = setup.Api.SentTo(OrganizerA).Count;
        setup.Api.FailNextFor(Chat, 1, 403, "Forbidden: bot was kicked from the group chat");

        await world.AdvanceToAsync(MondayPost);

        await setup.UntilLinkedChatIsAsync(setup.GroupA, null);
        Assert.Contains(Title, (await setup.Api.WaitForNthMessageAsync(OrganizerA, before + 1)).Text, StringComparison.Ordinal);
        Assert.Equal("unreachable", await world.Db.ScalarAsync<string>("SELECT failure FROM group_posts"));
        await world.AdvanceToAsync(MondayPost.AddDays(1));
        Assert.Equal(1, await world.Db.CountAsync("group_posts"));
    }

    [Fact]
    public async Task A_broadcast_to_the_group_is_also_posted_once_in_its_linked_chat()
    {
        await using var setup = await StartAsync();
        var world = setup.World;
        var before = setup.Api.SentTo(OrganizerA).Count;

        setup.Api.UserSends(OrganizerA, "/broadcast Reading moves to Thursday.");
        await setup.Api.WaitForNthMessageAsync(OrganizerA, before + 2);
        var (intro, preview) = (setup.Api.SentTo(OrganizerA)[before], setup.Api.SentTo(OrganizerA)[before + 1]);
        Assert.Contains(" 1 ", intro.Text.Split('\n')[^1], StringComparison.Ordinal);
        setup.Api.UserPresses(OrganizerA, preview.MessageId, preview.Buttons[0].Data, fromId: OrganizerA);

        await TestWorld.EventuallyAsync(async () => await world.Db.CountAsync("broadcasts", "status = 'done'") == 1, "the broadcast is done");
        await world.OutboxDrainedAsync();
        Assert.Single(setup.Api.SentTo(Chat), m => m.Text == "Reading moves to Thursday.");
        Assert.Contains(setup.Api.SentTo(Member), m => m.Text == "Reading moves to Thursday.");
        Assert.DoesNotContain(setup.Api.SentTo(MemberOfB), m => m.Text == "Reading moves to Thursday.");

        // The members are the recipients the organizer's count is about; the chat is not one.
        Assert.Equal(2, await world.Db.ScalarAsync<long>("SELECT delivered FROM broadcasts"));
        Assert.Equal(2, await world.Db.ScalarAsync<long>("SELECT total FROM broadcasts"));
    }
}

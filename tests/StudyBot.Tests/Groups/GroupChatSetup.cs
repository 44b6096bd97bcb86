using System.Text.RegularExpressions;
using StudyBot.FakeBotApi;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Groups;

// Two groups, Branch A and Branch B, each with its organizer; Branch A has two members and posts
// at 20:00 in Shanghai (12:00 UTC), Monday to Friday; Branch B has one member. Branch A's Telegram
// chat has the bot in it and, unless told otherwise, is linked to Branch A by its organizer.
// The world starts on Monday 2026-12-07 at 10:00 in Shanghai.
internal sealed partial class GroupChatSetup : IAsyncDisposable
{
    public const long Owner = TestWorld.AdminId;
    public const long OrganizerA = 501;
    public const long OrganizerB = 502;

    // Members of Branch A, and one of Branch B. Their own deliveries come at 08:00, from Tuesday.
    public const long Member = 11;
    public const long OtherMember = 13;
    public const long MemberOfB = 12;

    // Not a learner at all.
    public const long Stranger = 14;

    public const long Chat = -4001;
    public const string Title = "Branch A reading circle";

    // Monday 2026-12-07 20:00 in Shanghai: Branch A's post time.
    public static readonly DateTimeOffset MondayPost = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private GroupChatSetup(TestWorld world, long groupA, long groupB, string joinCodeA)
    {
        World = world;
        GroupA = groupA;
        GroupB = groupB;
        JoinCodeA = joinCodeA;
    }

    public TestWorld World { get; }
    public long GroupA { get; }
    public long GroupB { get; }
    public string JoinCodeA { get; }
    public FakeBotApiServer Api => World.Api;

    [GeneratedRegex("j_([a-z2-7]+)")]
    private static partial Regex JoinCode();

    [GeneratedRegex("o_([a-z2-7]+)")]
    private static partial Regex OrganizerCode();

    public static async Task<GroupChatSetup> StartAsync(bool linked = true)
    {
        var world = await TestWorld.StartAsync();
        var (a, joinA) = await NewGroupAsync(world, "Branch A", OrganizerA);
        var (b, joinB) = await NewGroupAsync(world, "Branch B", OrganizerB);
        await world.Learner(Member).SendAsync("/start j_" + joinA);
        await world.Learner(OtherMember).SendAsync("/start j_" + joinA);
        await world.Learner(MemberOfB).SendAsync("/start j_" + joinB);

        // After the members joined, so their own deliveries keep the default 08:00.
        var set = await world.Learner(OrganizerA).SendAsync("/groupset time=20:00 days=mon-fri");
        Assert.Contains("time=20:00", set.Text, StringComparison.Ordinal);

        world.Api.CreateGroupChat(Chat, Title);
        world.Api.AddBotToGroup(Chat, OrganizerA);
        var setup = new GroupChatSetup(world, a, b, joinA);
        if (linked)
        {
            var done = await setup.SayAsync(OrganizerA, "/link");
            Assert.Contains("Branch A", done.Text, StringComparison.Ordinal);
            Assert.Equal(Chat, await setup.LinkedChatAsync(a));
        }

        return setup;
    }

    // Says something in the group chat and waits for the bot's next message there.
    public async Task<SentMessage> SayAsync(long userId, string text, int? replyTo = null, long chatId = Chat)
    {
        var before = Api.SentTo(chatId).Count;
        Api.UserSendsInGroup(chatId, userId, text, replyTo);
        return await Api.WaitForNthMessageAsync(chatId, before + 1);
    }

    public Task<long?> LinkedChatAsync(long groupId) =>
        World.Db.ScalarAsync<long?>("SELECT linked_chat_id FROM study_groups WHERE id = @Id", new { Id = groupId });

    public Task UntilLinkedChatIsAsync(long groupId, long? chatId) =>
        TestWorld.EventuallyAsync(async () => await LinkedChatAsync(groupId) == chatId, $"group {groupId}'s linked chat is {chatId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");

    // The day's posts the bot made in a chat: its messages with a Join button.
    public IReadOnlyList<SentMessage> PostsIn(long chatId = Chat) =>
        Api.SentTo(chatId).Where(m => JoinUrl(m) is not null).ToList();

    public static string? JoinUrl(SentMessage message) =>
        message.ReplyMarkup?["inline_keyboard"]?[0]?[0]?["url"]?.GetValue<string>();

    public async Task<SentMessage> PostAtAsync(DateTimeOffset utc, long chatId = Chat)
    {
        var before = PostsIn(chatId).Count;
        await World.AdvanceToAsync(utc);
        var posts = PostsIn(chatId);
        Assert.Equal(before + 1, posts.Count);
        return posts[^1];
    }

    public ValueTask DisposeAsync() => World.DisposeAsync();

    private static async Task<(long Id, string JoinCode)> NewGroupAsync(TestWorld world, string name, long organizer)
    {
        var reply = await world.Learner(Owner).SendAsync("/newgroup " + name);
        await world.Learner(organizer).SendAsync("/start o_" + OrganizerCode().Match(reply.Text).Groups[1].Value);
        var id = await world.Db.ScalarAsync<long>("SELECT id FROM study_groups WHERE name = @Name", new { Name = name });
        return (id, JoinCode().Match(reply.Text).Groups[1].Value);
    }
}

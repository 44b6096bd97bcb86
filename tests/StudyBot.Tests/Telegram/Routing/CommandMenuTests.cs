using StudyBot.FakeBotApi;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Telegram.Routing;

public sealed class CommandMenuTests
{
    private static readonly string[] OrganizerCommands = ["broadcast", "stats", "remind", "exportall", "groups", "group", "groupset", "calendar", "members", "wall", "report", "link", "unlink"];
    private static readonly string[] OwnerCommands = ["newgroup"];

    private static Task<IReadOnlyList<CommandMenuCall>> MenusAsync(TestWorld world, int expected) =>
        world.Api.WaitUntilAsync(() => world.Api.CommandMenus is { } calls && calls.Count >= expected ? calls : null);

    [Fact]
    public async Task Learner_commands_are_everyones_menu_and_admins_also_get_admin_commands_in_both_languages()
    {
        await using var world = await TestWorld.StartAsync(settings: s => s["Bot:AdminIds:1"] = "901");

        var calls = await MenusAsync(world, 9);

        Assert.Equal(9, calls.Count);
        var everyone = calls.Where(c => c.ScopeType == "default").ToList();
        Assert.Equal(new string?[] { null, "zh", "en" }, everyone.Select(c => c.LanguageCode));
        Assert.All(everyone, c =>
        {
            Assert.Contains("start", c.Commands.Select(x => x.Command));
            Assert.Contains("today", c.Commands.Select(x => x.Command));
            Assert.Empty(c.Commands.Select(x => x.Command).Intersect(OwnerCommands.Concat(OrganizerCommands)));
        });

        foreach (var admin in new long[] { 900, 901 })
        {
            var mine = calls.Where(c => c.ScopeType == "chat" && c.ChatId == admin).ToList();
            Assert.Equal(new string?[] { null, "zh", "en" }, mine.Select(c => c.LanguageCode));
            Assert.All(mine, c =>
            {
                Assert.Equal(OrganizerCommands.Concat(OwnerCommands), c.Commands.Select(x => x.Command).TakeLast(OrganizerCommands.Length + OwnerCommands.Length));
                Assert.Equal(everyone[0].Commands.Select(x => x.Command), c.Commands.Select(x => x.Command).SkipLast(OrganizerCommands.Length + OwnerCommands.Length));
            });
        }

        // The default language (Bot:Language = zh-CN) is Chinese; "en" is English.
        var zh = everyone.Single(c => c.LanguageCode == "zh");
        Assert.Equal(zh.Commands, everyone.Single(c => c.LanguageCode is null).Commands);
        Assert.Equal("list the commands", everyone.Single(c => c.LanguageCode == "en").Commands.Single(c => c.Command == "help").Description);
        Assert.NotEqual("list the commands", zh.Commands.Single(c => c.Command == "help").Description);
        Assert.Contains("CSV", calls.Single(c => c.ChatId == 900 && c.LanguageCode == "en").Commands.Single(c => c.Command == "exportall").Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_to_set_the_menus_is_logged_and_the_bot_works_on()
    {
        await using var world = await TestWorld.CreateAsync();
        world.Api.FailNext("setMyCommands", 100, 500, "Internal Server Error");
        await world.StartBotAsync();

        var reply = await world.Learner(42).SendAsync("/start");

        Assert.Contains("/today", reply.Text, StringComparison.Ordinal);
        await TestWorld.EventuallyAsync(() => Task.FromResult(world.Logs.Lines.Count(l => l.Contains("Setting the command menu for", StringComparison.Ordinal)) == 6), "each failed menu is logged");
        Assert.Empty(world.Api.CommandMenus);
    }
}

using Telegram.Bot;
using Telegram.Bot.Types;

namespace StudyBot.Tests.Telegram;

// The chat menu button (the web app's entry in Telegram), as the fake keeps it.
public sealed partial class FakeBotApiTests
{
    [Fact]
    public async Task A_web_app_menu_button_is_kept_as_the_default_and_a_chat_may_have_its_own()
    {
        Assert.Null(server.MenuButtonFor());
        Assert.IsType<MenuButtonDefault>(await bot.GetChatMenuButton());

        await bot.SetChatMenuButton(menuButton: new MenuButtonWebApp { Text = "学习", WebApp = new WebAppInfo("https://bot.example.org/app/") });
        await bot.SetChatMenuButton(77, new MenuButtonCommands());

        var shown = server.MenuButtonFor(42);
        Assert.Equal("web_app", shown?["type"]?.GetValue<string>());
        Assert.Equal("学习", shown?["text"]?.GetValue<string>());
        Assert.Equal("https://bot.example.org/app/", shown?["web_app"]?["url"]?.GetValue<string>());
        Assert.Equal("commands", server.MenuButtonFor(77)?["type"]?.GetValue<string>());
        var read = Assert.IsType<MenuButtonWebApp>(await bot.GetChatMenuButton(42));
        Assert.Equal("https://bot.example.org/app/", read.WebApp.Url);
    }
}

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Hosting;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Telegram:BotToken", "", "Telegram:BotToken is missing")]
    [InlineData("Telegram:BotToken", "not-a-token", "Telegram:BotToken is not a bot token")]
    [InlineData("Telegram:ApiBaseUrl", "ftp://example", "Telegram:ApiBaseUrl")]
    [InlineData("Telegram:MaxMessagesPerSecond", "0", "Telegram:MaxMessagesPerSecond")]
    [InlineData("Telegram:MaxMessagesPerSecond", "100", "Telegram:MaxMessagesPerSecond: 100 is outside 1..30 (up to 1000 with Telegram:PaidBroadcast=true)")]
    [InlineData("Bot:TimeZone", "Mars/Base", "Bot:TimeZone: 'Mars/Base' is not an IANA time zone")]
    [InlineData("Bot:DeliveryTime", "25:99", "Bot:DeliveryTime")]
    [InlineData("Bot:Language", "fr", "Bot:Language")]
    [InlineData("Database:ConnectionString", "", "Database:ConnectionString is empty")]
    [InlineData("Telegram:Mode", "Webhook", "Telegram:WebhookUrl must be a public https address")]
    [InlineData("Bot:ReminderTime", "8pm", "Bot:ReminderTime: '8pm' is not a time of day as HH:MM")]
    [InlineData("Metrics:AllowedNetworks:0", "10.0.0.0/33", "Metrics:AllowedNetworks:0: '10.0.0.0/33' is not a network")]
    [InlineData("Metrics:AllowedNetworks:0", "localhost", "Metrics:AllowedNetworks:0: 'localhost' is not a network")]
    [InlineData("Metrics:Token", "short", "Metrics:Token must be at least 16 characters")]
    [InlineData("App:PublicUrl", "http://bot.example.org/app/", "App:PublicUrl: 'http://bot.example.org/app/' is not an https address")]
    [InlineData("App:PublicUrl", "https://bot.example.org/app/?x=1", "App:PublicUrl: 'https://bot.example.org/app/?x=1' has a query or fragment")]
    public async Task A_bad_setting_stops_start_up_naming_the_key(string key, string value, string expected)
    {
        await using var world = await TestWorld.CreateAsync();
        world.Settings[key] = value;
        using var host = world.BuildBot();

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, string.Join("; ", error.Failures));
    }

    [Fact]
    public async Task Postgres_with_a_SQLite_connection_string_stops_start_up_naming_the_keys()
    {
        await using var world = await TestWorld.CreateAsync();
        world.Settings["Database:Provider"] = "Postgres";
        world.Settings["Database:ConnectionString"] = "Data Source=data/studybot.db";
        using var host = world.BuildBot();

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Database:ConnectionString: Provider is Postgres but the connection string is SQLite's", string.Join("; ", error.Failures));
    }

    [Fact]
    public async Task The_program_without_a_token_prints_one_line_naming_the_key_and_exits_with_an_error()
    {
        var bot = TestWorld.BuiltBotPath;
        Assert.True(File.Exists(bot), bot);
        var start = new ProcessStartInfo("dotnet", [bot])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.Environment["Telegram__BotToken"] = "";
        start.Environment["Database__ConnectionString"] = $"Data Source={Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "never.db")}";

        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, process.ExitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Telegram:BotToken is missing", line);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task The_token_never_appears_in_a_log_line_even_when_requests_fail()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        world.Api.FailNext("getUpdates", 2, 500, "Internal Server Error");
        await learner.SendAsync("/start");
        world.Api.FailNext("sendMessage", 1, 502, "Bad Gateway");
        world.Api.UserSends(42, "/help");
        var help = await learner.SendAsync("/help");
        Assert.Contains("/today", help.Text);

        var secret = world.Api.Token.Split(':')[1];
        Assert.Contains(world.Logs.Lines, l => l.Contains("Polling failed", StringComparison.Ordinal));
        Assert.Contains(world.Logs.Lines, l => l.Contains("Sending to chat 42 failed", StringComparison.Ordinal));
        Assert.DoesNotContain(world.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using StudyBot.Hosting;
using StudyBot.Telegram.Receiving;
using StudyBot.Tests.Infrastructure;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace StudyBot.Tests.Telegram.Receiving;

public sealed class WebhookTests
{
    private const string Secret = "s3cret-token_for-tests";

    // Ready once it leads (at once on SQLite; on PostgreSQL after taking the lock): what a
    // webhook stores before that is handled later, by the replay, and could go after what follows.
    private static async Task<TestWorld> StartWebhookBotAsync()
    {
        var world = await TestWorld.StartAsync(settings: s =>
        {
            s["Telegram:Mode"] = "Webhook";
            s["Telegram:WebhookUrl"] = "https://bot.example.org/telegram/hook";
            s["Telegram:WebhookSecret"] = Secret;
        });
        await TestWorld.EventuallyAsync(() => Task.FromResult(world.Get<Leadership>().Elected), "the bot leads");
        return world;
    }

    private static async Task<HttpResponseMessage> PostAsync(TestWorld world, string body, string? secret)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, world.BotUrl + "/telegram/hook")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (secret is not null)
        {
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        }

        return await http.SendAsync(request);
    }

    internal static string UpdateJson(int updateId, long chatId, string text) =>
        JsonSerializer.Serialize(
            new Update
            {
                Id = updateId,
                Message = new Message
                {
                    Id = updateId,
                    Chat = new Chat { Id = chatId, Type = ChatType.Private },
                    From = new User { Id = chatId, FirstName = "Learner" },
                    Date = new DateTime(2026, 12, 7, 2, 0, 0, DateTimeKind.Utc),
                    Text = text,
                    Entities = text.StartsWith('/') ? [new MessageEntity { Type = MessageEntityType.BotCommand, Offset = 0, Length = text.Split(' ')[0].Length }] : null,
                },
            },
            JsonBotAPI.Options);

    [Fact]
    public async Task An_update_with_the_right_secret_is_accepted_and_handled()
    {
        await using var world = await StartWebhookBotAsync();

        using var response = await PostAsync(world, UpdateJson(5001, 42, "/start"), Secret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var welcome = await world.Api.WaitForNthMessageAsync(42, 1);
        Assert.Contains("08:00", welcome.Text);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData("s3cret-token_for-test")]
    public async Task A_request_without_the_right_secret_gets_401_and_changes_nothing(string? secret)
    {
        await using var world = await StartWebhookBotAsync();

        using var response = await PostAsync(world, UpdateJson(5002, 42, "/start"), secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await world.Db.CountAsync("inbound_updates"));
        Assert.Equal(0, await world.Db.CountAsync("learners"));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"message\": {\"text\": \"no update id\"}}")]
    [InlineData("[]")]
    public async Task A_malformed_body_gets_400_and_nothing_else_happens(string body)
    {
        await using var world = await StartWebhookBotAsync();

        using var response = await PostAsync(world, body, Secret);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await world.Db.CountAsync("inbound_updates"));
    }

    [Fact]
    public async Task An_oversized_body_gets_400()
    {
        await using var world = await StartWebhookBotAsync();

        using var response = await PostAsync(world, UpdateJson(5003, 42, new string('x', 1_100_000)), Secret);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await world.Db.CountAsync("inbound_updates"));
    }

    [Fact]
    public async Task An_update_posted_twice_is_saved_once()
    {
        await using var world = await StartWebhookBotAsync();
        var learner = world.Learner(42);
        using (await PostAsync(world, UpdateJson(6001, 42, "/start"), Secret))
        using (await PostAsync(world, UpdateJson(6002, 42, "/today"), Secret))
        {
        }

        await learner.NextAsync(1);
        using var first = await PostAsync(world, UpdateJson(6003, 42, "A reflection sent once"), Secret);
        using var again = await PostAsync(world, UpdateJson(6003, 42, "A reflection sent once"), Secret);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await world.Api.WaitUntilAsync(() => world.Api.SentTo(42).FirstOrDefault(m => m.Text.Contains("已保存", StringComparison.Ordinal)));
        await learner.AssertNothingMoreAsync(3);
        Assert.Equal(1, await world.Db.CountAsync("reflections"));
        Assert.Equal(1, await world.Db.CountAsync("inbound_updates", "update_id = 6003"));
    }

    [Fact]
    public async Task An_update_the_webhook_is_storing_is_left_to_it_by_a_replay_of_the_inbox()
    {
        await using var world = await StartWebhookBotAsync();
        var lanes = world.Get<ChatLanes>();
        var update = JsonSerializer.Deserialize<Update>(UpdateJson(7001, 42, "/start"), JsonBotAPI.Options)!;

        // The webhook's steps with a replay of the inbox between its store and its enqueue.
        Assert.True(lanes.TryReserve(update.Id));
        await world.Get<UpdateInbox>().StoreAsync([update], CancellationToken.None);
        await lanes.ReplayUnhandledAsync(CancellationToken.None);
        await lanes.QueueReservedAsync(update, CancellationToken.None);

        await world.Api.WaitForNthMessageAsync(42, 1);
        await lanes.DrainAsync(CancellationToken.None);
        Assert.Single(world.Api.SentTo(42));
        Assert.Equal(1, await world.Db.CountAsync("inbound_updates", "update_id = 7001 AND handled_utc IS NOT NULL"));
    }
}

using System.Net;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Web;

// The learner's journal in the web app: their own reflections only, searched and filtered, and
// edited without touching the chat message; every route refused to others and to nobody.
public sealed class JournalApiTests
{
    private static Task<TestWorld> StartAsync() =>
        TestWorld.StartAsync(new DateTimeOffset(2026, 12, 6, 22, 0, 0, TimeSpan.Zero), s => s["App:PublicUrl"] = WebAppClient.PublicUrl);

    private static async Task<long> ReflectAsync(TestWorld world, TestLearner learner, string text)
    {
        await learner.SendAsync(text);
        return await world.Db.ScalarAsync<long>("SELECT MAX(id) FROM reflections WHERE chat_id = @ChatId", new { learner.ChatId });
    }

    [Fact]
    public async Task The_journal_lists_the_learners_own_reflections_newest_first_with_what_they_answered()
    {
        await using var world = await StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");
        await ReflectAsync(world, learner, "今天我倾听了群众的意见。");
        world.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await ReflectAsync(world, learner, "<script>alert(1)</script> Listening matters.");
        var other = world.Learner(43);
        await other.SendAsync("/start");
        await other.SendAsync("/today");
        await ReflectAsync(world, other, "Someone else's words");
        using var web = WebAppClient.InTelegram(world, 42);

        var (response, journal) = await web.GetAsync("/app/api/journal");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = journal!["entries"]!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.Equal(second, entries[0]!["id"]!.GetValue<long>());
        Assert.Equal("<script>alert(1)</script> Listening matters.", entries[0]!["text"]!.GetValue<string>());
        var delivery = (await world.Db.QueryAsync<(string Quote, string Theme)>("SELECT quote, theme FROM deliveries WHERE chat_id = 42")).Single();
        Assert.Equal(delivery.Quote, entries[0]!["quote"]!.GetValue<string>());
        Assert.Equal(delivery.Theme, entries[0]!["theme"]!.GetValue<string>());
        Assert.Equal("2026-12-07", entries[0]!["date"]!.GetValue<string>());
        Assert.Equal("onTime", entries[0]!["timing"]!.GetValue<string>());
        Assert.False(entries[0]!["shared"]!.GetValue<bool>());
        Assert.False(entries[0]!["edited"]!.GetValue<bool>());
        Assert.Empty(entries[0]!["comments"]!.AsArray());
        Assert.Equal([delivery.Theme], journal["themes"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(["2026-12"], journal["months"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.DoesNotContain("Someone else", journal.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Photo_and_voice_answers_are_in_the_journal_with_their_kind()
    {
        await using var world = await StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");
        var before = learner.Received;
        world.Api.UserSendsPhoto(42, [0xFF, 0xD8, 0xFF], 800, 600, caption: "Notes on page 12");
        await learner.NextAsync(before);
        world.Api.UserSendsVoice(42, 75);
        await learner.NextAsync(before + 1);
        using var web = WebAppClient.InTelegram(world, 42);

        var (_, journal) = await web.GetAsync("/app/api/journal");

        var entries = journal!["entries"]!.AsArray();
        Assert.Equal(("voice", 75), (entries[0]!["kind"]!.GetValue<string>(), entries[0]!["durationSeconds"]!.GetValue<int>()));
        Assert.Equal(("photo", "Notes on page 12"), (entries[1]!["kind"]!.GetValue<string>(), entries[1]!["text"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Search_finds_Chinese_and_English_text_and_theme_and_month_filter()
    {
        await using var world = await StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");
        await ReflectAsync(world, learner, "今天我倾听了群众的意见。");
        await ReflectAsync(world, learner, "Listening matters more than talking.");
        var theme = await world.Db.ScalarAsync<string>("SELECT theme FROM deliveries WHERE chat_id = 42");
        using var web = WebAppClient.InTelegram(world, 42);

        async Task<string[]> FindAsync(string query)
        {
            var (response, journal) = await web.GetAsync("/app/api/journal?" + query);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return [.. journal!["entries"]!.AsArray().Select(e => e!["text"]!.GetValue<string>())];
        }

        Assert.Equal(["今天我倾听了群众的意见。"], await FindAsync("q=" + Uri.EscapeDataString("群众")));
        Assert.Equal(["Listening matters more than talking."], await FindAsync("q=LISTENING"));
        Assert.Equal(2, (await FindAsync("theme=" + Uri.EscapeDataString(theme))).Length);
        Assert.Empty(await FindAsync("theme=nothing-like-it"));
        Assert.Equal(2, (await FindAsync("month=2026-12")).Length);
        Assert.Empty(await FindAsync("month=2026-11"));
        var (bad, error) = await web.GetAsync("/app/api/journal?month=December");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("month must be YYYY-MM", error!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_edit_changes_the_saved_text_not_the_chat_message_and_history_says_edited()
    {
        await using var world = await StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/language en");
        await learner.SendAsync("/today");
        var id = await ReflectAsync(world, learner, "First draft");
        var sentBefore = world.Api.AllSent.Count;
        using var web = WebAppClient.InTelegram(world, 42);

        var (response, _) = await web.SendAsync(HttpMethod.Put, $"/app/api/journal/{id}", new { text = "  A better second draft  " });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("A better second draft", await world.Db.ScalarAsync<string>("SELECT text FROM reflections WHERE id = @Id", new { Id = id }));
        var entry = (await web.GetAsync("/app/api/journal")).Json!["entries"]![0]!;
        Assert.True(entry["edited"]!.GetValue<bool>());
        Assert.Equal(sentBefore, world.Api.AllSent.Count);
        var history = await learner.SendAsync("/history");
        Assert.Contains(" (edited)\n", history.Text, StringComparison.Ordinal);
        Assert.Contains("A better second draft", history.Text, StringComparison.Ordinal);

        foreach (var bad in new object[] { new { text = "   " }, new { text = new string('x', 4097) }, new { other = 1 } })
        {
            var (refused, error) = await web.SendAsync(HttpMethod.Put, $"/app/api/journal/{id}", bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.NotNull(error?["error"]);
        }

        Assert.Equal("A better second draft", await world.Db.ScalarAsync<string>("SELECT text FROM reflections WHERE id = @Id", new { Id = id }));
    }

    [Fact]
    public async Task Another_user_and_nobody_can_neither_read_nor_edit_a_learners_journal()
    {
        await using var world = await StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");
        var id = await ReflectAsync(world, learner, "Mine alone");
        var intruder = world.Learner(43);
        await intruder.SendAsync("/start");

        using var inTelegram = WebAppClient.InTelegram(world, 43);
        using var inBrowser = await WebAppClient.InBrowserAsync(world, intruder);
        using var nobody = new WebAppClient(world.BotUrl);
        foreach (var other in new[] { inTelegram, inBrowser })
        {
            var (list, journal) = await other.GetAsync("/app/api/journal");
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Empty(journal!["entries"]!.AsArray());
            var (edit, _) = await other.SendAsync(HttpMethod.Put, $"/app/api/journal/{id}", new { text = "Taken over" });
            Assert.Equal(HttpStatusCode.NotFound, edit.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await nobody.GetAsync("/app/api/journal")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await nobody.SendAsync(HttpMethod.Put, $"/app/api/journal/{id}", new { text = "Taken over" })).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await nobody.SendAsync(HttpMethod.Delete, "/app/api/session")).Response.StatusCode);
        Assert.Equal("Mine alone", await world.Db.ScalarAsync<string>("SELECT text FROM reflections WHERE id = @Id", new { Id = id }));
        Assert.Equal(0, await world.Db.CountAsync("reflections", "edited_utc IS NOT NULL"));
    }

    [Fact]
    public async Task A_browser_edit_without_the_CSRF_token_is_refused_and_changes_nothing()
    {
        await using var world = await StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");
        var id = await ReflectAsync(world, learner, "Kept as it is");
        using var browser = await WebAppClient.InBrowserAsync(world, learner);

        var (refused, _) = await browser.SendAsync(HttpMethod.Put, $"/app/api/journal/{id}", new { text = "Forged" }, withCsrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var real = browser.CsrfToken;
        browser.CsrfToken = real![..^2] + (real[^2..] == "AA" ? "BB" : "AA");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(HttpMethod.Put, $"/app/api/journal/{id}", new { text = "Forged" })).Response.StatusCode);
        Assert.Equal("Kept as it is", await world.Db.ScalarAsync<string>("SELECT text FROM reflections WHERE id = @Id", new { Id = id }));

        browser.CsrfToken = real;
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(HttpMethod.Put, $"/app/api/journal/{id}", new { text = "Changed on purpose" })).Response.StatusCode);
        Assert.Equal("Changed on purpose", await world.Db.ScalarAsync<string>("SELECT text FROM reflections WHERE id = @Id", new { Id = id }));
    }

    [Fact]
    public async Task An_edit_in_Telegram_after_a_web_edit_replaces_the_text_and_ends_the_edited_mark()
    {
        await using var world = await StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        var prompt = await learner.SendAsync("/today");
        var original = world.Api.UserSends(42, "Draft in the chat", prompt.MessageId);
        await learner.NextAsync(2);
        var id = await world.Db.ScalarAsync<long>("SELECT id FROM reflections WHERE chat_id = 42");
        using var web = WebAppClient.InTelegram(world, 42);
        await web.SendAsync(HttpMethod.Put, $"/app/api/journal/{id}", new { text = "Edited on the web" });

        world.Api.UserEdits(original, "Edited in the chat");
        await learner.NextAsync(3);

        var entry = (await web.GetAsync("/app/api/journal")).Json!["entries"]![0]!;
        Assert.Equal("Edited in the chat", entry["text"]!.GetValue<string>());
        Assert.False(entry["edited"]!.GetValue<bool>());
    }
}

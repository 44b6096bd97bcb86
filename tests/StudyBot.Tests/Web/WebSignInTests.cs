using System.Net;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Web;

// Signing in to the web app: Mini App init data inside Telegram, the /web link and its session
// cookie in a browser, through the real host over HTTP.
public sealed class WebSignInTests
{
    private static Task<TestWorld> StartAsync() =>
        TestWorld.StartAsync(settings: s => s["App:PublicUrl"] = WebAppClient.PublicUrl);

    [Fact]
    public async Task Valid_init_data_signs_in_and_me_answers_who_it_is()
    {
        await using var world = await StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        using var web = new WebAppClient(world.BotUrl) { InitData = WebAppClient.SignInitData(world.Api.Token, 42, world.Clock.GetUtcNow().AddMinutes(-59)) };

        var (response, me) = await web.GetAsync("/app/api/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(42, me!["id"]!.GetValue<long>());
        Assert.Equal("zh-CN", me["language"]!.GetValue<string>());
        Assert.Equal("learner", me["role"]!.GetValue<string>());
        Assert.Equal("telegram", me["signedInWith"]!.GetValue<string>());
        Assert.Empty(me["organizes"]!.AsArray());
        Assert.NotNull(me["group"]);
        Assert.Null(me["csrfToken"]);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());

        web.InitData = WebAppClient.SignInitData(world.Api.Token, TestWorld.AdminId, world.Clock.GetUtcNow(), firstName: "Wang", language: "en");
        (_, me) = await web.GetAsync("/app/api/me");
        Assert.Equal("owner", me!["role"]!.GetValue<string>());
        Assert.Equal("Wang", me["name"]!.GetValue<string>());
        Assert.Equal("en", me["language"]!.GetValue<string>());
        Assert.NotEmpty(me["organizes"]!.AsArray());
    }

    [Fact]
    public async Task Forged_stale_foreign_and_missing_init_data_are_refused()
    {
        await using var world = await StartAsync();
        var now = world.Clock.GetUtcNow();
        var valid = WebAppClient.SignInitData(world.Api.Token, 42, now);
        string[] refused =
        [
            valid.Replace("%22id%22%3A42", "%22id%22%3A43", StringComparison.Ordinal),
            valid[..^1] + (valid[^1] == '0' ? '1' : '0'),
            WebAppClient.SignInitData(world.Api.Token, 42, now.AddMinutes(-61)),
            WebAppClient.SignInitData(world.Api.Token, 42, now.AddHours(1)),
            WebAppClient.SignInitData("123456:ANOTHER-BOT-TOKEN", 42, now),
            valid + "&user=%7B%22id%22%3A43%7D",
            valid[..valid.IndexOf("&hash=", StringComparison.Ordinal)],
            "",
        ];
        using var web = new WebAppClient(world.BotUrl);
        foreach (var initData in refused)
        {
            web.InitData = initData;
            var (response, json) = await web.GetAsync("/app/api/me");
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, initData);
            Assert.Equal("not signed in", json?["error"]?.GetValue<string>());
        }

        web.InitData = null;
        Assert.Equal(HttpStatusCode.Unauthorized, (await web.GetAsync("/app/api/me")).Response.StatusCode);
        using var wrongScheme = new HttpRequestMessage(HttpMethod.Get, "/app/api/me");
        wrongScheme.Headers.TryAddWithoutValidation("Authorization", "Bearer " + valid);
        using var http = new HttpClient { BaseAddress = new Uri(world.BotUrl) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrongScheme)).StatusCode);
    }

    [Fact]
    public async Task A_web_link_opens_one_session_cookie_once_and_not_after_ten_minutes()
    {
        await using var world = await StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        var token = await WebAppClient.LinkTokenAsync(learner);
        Assert.Equal(0, await world.Db.CountAsync("web_links", "token_hash = @Token", new { Token = token }));
        using var browser = new WebAppClient(world.BotUrl);

        var (response, me) = await browser.RedeemAsync(token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-studybot=", cookie, StringComparison.Ordinal);
        foreach (var attribute in new[] { "httponly", "secure", "samesite=strict", "path=/", "expires=" })
        {
            Assert.Contains(attribute, cookie, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal("browser", me!["signedInWith"]!.GetValue<string>());
        Assert.Equal(1, await world.Db.CountAsync("web_sessions", "chat_id = 42 AND token_hash <> @Session", new { browser.Session }));
        (response, me) = await browser.GetAsync("/app/api/me");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(42, me!["id"]!.GetValue<long>());
        Assert.Equal(browser.CsrfToken, me["csrfToken"]!.GetValue<string>());

        using var replay = new WebAppClient(world.BotUrl);
        (response, var refusal) = await replay.RedeemAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("/web", refusal!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));

        var late = await WebAppClient.LinkTokenAsync(learner);
        world.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.RedeemAsync(late)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await replay.RedeemAsync("")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.RedeemAsync("made-up-token")).Response.StatusCode);

        replay.Session = "made-up-session";
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.GetAsync("/app/api/me")).Response.StatusCode);
    }

    [Fact]
    public async Task Web_logout_ends_every_browser_session_of_that_user_only()
    {
        await using var world = await StartAsync();
        var learner = world.Learner(42);
        var other = world.Learner(43);
        using var laptop = new WebAppClient(world.BotUrl);
        using var office = new WebAppClient(world.BotUrl);
        using var others = new WebAppClient(world.BotUrl);
        await laptop.RedeemAsync(await WebAppClient.LinkTokenAsync(learner));
        await office.RedeemAsync(await WebAppClient.LinkTokenAsync(learner));
        await others.RedeemAsync(await WebAppClient.LinkTokenAsync(other));
        var (_, download) = await laptop.SendAsync(HttpMethod.Post, "/app/api/downloads", new { path = "/app/api/summary.md" });
        var unused = new Uri(download!["url"]!.GetValue<string>()).PathAndQuery;

        var reply = await learner.SendAsync("/web logout");

        Assert.Contains("2", reply.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/app/api/me")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await office.GetAsync("/app/api/me")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await others.GetAsync("/app/api/me")).Response.StatusCode);
        using var anyone = new WebAppClient(world.BotUrl);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anyone.GetAsync(unused)).Response.StatusCode);
        Assert.Contains("/web logout", (await learner.SendAsync("/web please")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_ones_data_also_ends_ones_browser_sessions_and_links()
    {
        await using var world = await StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        using var browser = new WebAppClient(world.BotUrl);
        await browser.RedeemAsync(await WebAppClient.LinkTokenAsync(learner));
        await WebAppClient.LinkTokenAsync(learner);

        var question = await learner.SendAsync("/deletedata");
        world.Api.UserPresses(42, question.MessageId, "dd:ok");
        await TestWorld.EventuallyAsync(async () => await world.Db.CountAsync("learners", "chat_id = 42") == 0, "the learner's data is deleted");

        Assert.Equal(0, await world.Db.CountAsync("web_sessions") + await world.Db.CountAsync("web_links"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/app/api/me")).Response.StatusCode);
    }

    [Fact]
    public async Task Signing_out_in_the_page_needs_the_CSRF_token_and_ends_that_session()
    {
        await using var world = await StartAsync();
        using var browser = new WebAppClient(world.BotUrl);
        await browser.RedeemAsync(await WebAppClient.LinkTokenAsync(world.Learner(42)));

        var (refused, error) = await browser.SendAsync(HttpMethod.Delete, "/app/api/session", withCsrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("CSRF", error!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/app/api/me")).Response.StatusCode);

        var (done, _) = await browser.SendAsync(HttpMethod.Delete, "/app/api/session");
        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/app/api/me")).Response.StatusCode);
    }

    [Fact]
    public async Task The_bot_sets_its_menu_button_to_the_web_app_and_app_answers_with_a_button_to_it()
    {
        await using var world = await StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        var button = await world.Api.WaitUntilAsync(() => world.Api.MenuButtonFor(42));
        Assert.Equal("web_app", button["type"]!.GetValue<string>());
        Assert.Equal(WebAppClient.PublicUrl, button["web_app"]!["url"]!.GetValue<string>());
        var reply = await learner.SendAsync("/app");
        Assert.Equal(WebAppClient.PublicUrl, reply.ReplyMarkup!["inline_keyboard"]![0]![0]!["web_app"]!["url"]!.GetValue<string>());
        var help = await learner.SendAsync("/help");
        Assert.Contains("/app — ", help.Text, StringComparison.Ordinal);
        Assert.Contains("/web — ", help.Text, StringComparison.Ordinal);
        Assert.Contains(world.Api.CommandMenuFor("default", languageCode: "en") ?? [], c => c.Command == "web");
    }

    [Fact]
    public async Task Without_a_public_url_app_and_web_say_the_web_app_is_not_set_up_and_nothing_is_served()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        Assert.Equal("本机器人尚未开通网页应用。", (await learner.SendAsync("/app")).Text);
        Assert.Equal("本机器人尚未开通网页应用。", (await learner.SendAsync("/web")).Text);
        Assert.Null(world.Api.MenuButtonFor(42));
        using var web = new WebAppClient(world.BotUrl) { InitData = WebAppClient.SignInitData(world.Api.Token, 42, world.Clock.GetUtcNow()) };
        Assert.Equal(HttpStatusCode.NotFound, (await web.GetAsync("/app/api/me")).Response.StatusCode);
        Assert.Equal(0, await world.Db.CountAsync("web_links"));
    }

    [Fact]
    public async Task The_page_is_served_under_app_with_a_policy_that_forbids_inline_script()
    {
        await using var world = await StartAsync();
        using var web = new WebAppClient(world.BotUrl);

        var (redirect, _) = await web.GetAsync("/app");
        Assert.EndsWith("/app/", redirect.Headers.Location?.OriginalString, StringComparison.Ordinal);

        var (page, _) = await web.GetAsync("/app/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"app.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"composer\"", html, StringComparison.Ordinal);
        var policy = string.Join(' ', page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self' https://telegram.org/js/telegram-web-app.js;", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'self' https://web.telegram.org", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));

        var (script, _) = await web.GetAsync("/app/app.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("innerHTML", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace StudyBot.Tests.Infrastructure;

// The web app's API over real HTTP to a running bot, signed in as a Mini App (init data built and
// signed here exactly as Telegram does) or as a browser (a cookie, kept by hand: the session
// cookie is Secure and the test talks plain http to loopback).
public sealed class WebAppClient : IDisposable
{
    private readonly HttpClient http;

    public WebAppClient(string baseUrl)
    {
        http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    // "tma <init data>" when set.
    public string? InitData { get; set; }

    // The session cookie's value when set.
    public string? Session { get; set; }

    public string? CsrfToken { get; set; }

    public const string PublicUrl = "https://studybot.test/app/";

    // Telegram's way: every field but hash, sorted by key, as key=value lines, signed with
    // HMAC-SHA256 under HMAC-SHA256("WebAppData", bot token). The Ed25519 `signature` field of
    // newer clients is part of the signed fields, so one is sent too.
    public static string SignInitData(string botToken, long userId, DateTimeOffset authDate, string firstName = "Li", string language = "zh-hans")
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["auth_date"] = authDate.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["query_id"] = "AAHdF6IQAAAAAN0XohDhrOrc",
            ["signature"] = "6fbdaab833d39f54518bd5c3eb3f511d035e68cb",
            ["user"] = $$"""{"id":{{userId}},"first_name":"{{firstName}}","last_name":"","username":"u{{userId}}","language_code":"{{language}}","allows_write_to_pm":true}""",
        };
        var checkString = string.Join('\n', fields.Select(f => $"{f.Key}={f.Value}"));
        var secret = HMACSHA256.HashData("WebAppData"u8, Encoding.UTF8.GetBytes(botToken));
        var hash = Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(checkString)));
        return string.Join('&', fields.Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value)}")) + "&hash=" + hash;
    }

    // Signed in as the Mini App inside Telegram opens it, with init data of the world's now.
    public static WebAppClient InTelegram(TestWorld world, long userId) =>
        new(world.BotUrl) { InitData = SignInitData(world.Api.Token, userId, world.Clock.GetUtcNow()) };

    // Signed in as a browser, through a /web link the user asks for.
    public static async Task<WebAppClient> InBrowserAsync(TestWorld world, TestLearner user)
    {
        var browser = new WebAppClient(world.BotUrl);
        await browser.RedeemAsync(await LinkTokenAsync(user));
        return browser;
    }

    public async Task<(HttpResponseMessage Response, JsonNode? Json)> SendAsync(HttpMethod method, string path, object? body = null, bool withCsrf = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (InitData is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "tma " + InitData);
        }

        if (Session is not null)
        {
            request.Headers.Add("Cookie", "__Host-studybot=" + Session);
        }

        if (withCsrf && CsrfToken is not null)
        {
            request.Headers.Add("X-CSRF-Token", CsrfToken);
        }

        // An HttpContent goes as it is (a file's bytes); anything else as JSON.
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
        }

        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    public Task<(HttpResponseMessage Response, JsonNode? Json)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    // The answer's bytes as they came, not decoded: for what a client asked of the encoding.
    public async Task<(HttpResponseMessage Response, byte[] Body)> GetBytesAsync(string path, string acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", "tma " + InitData);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        var response = await http.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    // Redeems a /web link's token as the page does; keeps the session cookie and the CSRF token.
    public async Task<(HttpResponseMessage Response, JsonNode? Json)> RedeemAsync(string linkToken)
    {
        var result = await SendAsync(HttpMethod.Post, "/app/api/session", new { token = linkToken });
        if (result.Response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.FirstOrDefault(c => c.StartsWith("__Host-studybot=", StringComparison.Ordinal)) is { } cookie)
        {
            Session = cookie["__Host-studybot=".Length..cookie.IndexOf(';', StringComparison.Ordinal)];
            CsrfToken = result.Json?["csrfToken"]?.GetValue<string>();
        }

        return result;
    }

    // Sends /web as the user and returns the token in the link's fragment.
    public static async Task<string> LinkTokenAsync(TestLearner user)
    {
        var link = await user.SendAsync("/web");
        var url = link.ReplyMarkup!["inline_keyboard"]![0]![0]!["url"]!.GetValue<string>();
        Assert.StartsWith(PublicUrl + "#login=", url, StringComparison.Ordinal);
        Assert.Contains(url, link.Text, StringComparison.Ordinal);
        return url[(PublicUrl.Length + "#login=".Length)..];
    }

    public void Dispose() => http.Dispose();
}

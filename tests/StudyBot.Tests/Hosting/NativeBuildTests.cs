using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Hosting;

// The native build (README, "Native build") has no JIT and no run-time reflection beyond what the
// compiler kept, so whatever only works by reflection or emitted code fails there and nowhere else.
// One pass through everything that leans on it: configuration binding, the packs shipped as
// resources, generated data access and the scheduler's store, Telegram's JSON (updates kept in the
// inbox, a broadcast's formatting), the documents, the chart, pack import, the web endpoints and
// the web app (embedded page, minimal APIs, source-generated JSON, the download routes found by
// their endpoint names).
// Slow: the native publish alone takes minutes (in the fixture, so not in the test's own time).
[Trait("Category", "Slow")]
public sealed class NativeBuildTests(NativeBuild build) : IClassFixture<NativeBuild>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_native_build_serves_a_learner_and_an_organizer_end_to_end()
    {
        await using var world = await TestWorld.CreateAsync();
        using var bot = new BotProcess(world, "native", new Dictionary<string, string> { ["App__PublicUrl"] = WebAppClient.PublicUrl }, build.Executable);
        var learner = world.Learner(42);
        var admin = world.Learner(TestWorld.AdminId);

        world.Api.UserSends(learner.ChatId, "/start");
        Assert.StartsWith("欢迎使用学习助手", (await world.Api.WaitForNthMessageAsync(learner.ChatId, 1, Slow)).Text, StringComparison.Ordinal);
        Assert.Contains("思考", (await learner.SendAsync("/today")).Text, StringComparison.Ordinal);
        Assert.StartsWith("已保存你的感想", (await learner.SendAsync("今天我复习了学而篇。")).Text, StringComparison.Ordinal);
        Assert.Equal(1, await world.Db.CountAsync("reflections", "chat_id = 42"));

        // A photo answer: read by Skia when the summary is made, placed in the Word document.
        using (var bitmap = new SkiaSharp.SKBitmap(64, 48))
        using (var jpeg = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 80))
        {
            world.Api.UserSendsPhoto(learner.ChatId, jpeg.ToArray(), 64, 48, "笔记");
        }

        Assert.StartsWith("已将你的照片保存为感想", (await learner.NextAsync(3)).Text, StringComparison.Ordinal);

        world.Api.UserSends(learner.ChatId, "/export");
        var docx = await learner.NextAsync(4);
        Assert.Equal("sendDocument", docx.Method);
        using (var document = WordprocessingDocument.Open(new MemoryStream(docx.FileContent!), false))
        {
            Assert.Empty(new OpenXmlValidator().Validate(document));
            Assert.Contains("今天我复习了学而篇。", document.MainDocumentPart!.Document!.InnerText, StringComparison.Ordinal);
            Assert.True(document.MainDocumentPart.ImageParts.Count() == 1, string.Join('\n', bot.LinesContaining("hoto")));
            Assert.Equal("image/jpeg", document.MainDocumentPart.ImageParts.Single().ContentType);
        }

        world.Api.UserSends(admin.ChatId, "/stats");
        var chart = await world.Api.WaitForMessageAsync(admin.ChatId, m => m.Method == "sendPhoto", timeout: Slow);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, chart.FileContent![..4]);

        world.Api.UserSends(admin.ChatId, "/exportall");
        var xlsx = await world.Api.WaitForMessageAsync(admin.ChatId, m => m.FileName?.EndsWith(".xlsx", StringComparison.Ordinal) == true, timeout: Slow);
        using (var workbook = SpreadsheetDocument.Open(new MemoryStream(xlsx.FileContent!), false))
        {
            Assert.Empty(new OpenXmlValidator().Validate(workbook));
        }

        var sent = world.Api.SentTo(admin.ChatId).Count;
        var pack = "theme,quote,source,prompt\n自律,\"吾日三省吾身。\",《论语·学而》,今天你反省了哪件事？\n"u8.ToArray();
        world.Api.SendsDocument(admin.ChatId, "native.csv", pack, "language=zh-CN start=2026-12-01", fromId: admin.ChatId);
        Assert.Contains("“native”：新增 1 条", (await admin.NextAsync(sent)).Text, StringComparison.Ordinal);

        sent = world.Api.SentTo(admin.ChatId).Count;
        world.Api.UserSends(admin.ChatId, "/broadcast 明天停课一次。", entities: [new() { Type = global::Telegram.Bot.Types.Enums.MessageEntityType.Bold, Offset = 11, Length = 2 }]);
        var preview = await admin.NextAsync(sent + 1);
        world.Api.UserPresses(admin.ChatId, preview.MessageId, preview.Buttons[0].Data, fromId: admin.ChatId);
        var notice = await learner.NextAsync(6);
        Assert.Equal("明天停课一次。", notice.Text);
        Assert.Contains("bold", notice.Entities?.ToJsonString(), StringComparison.Ordinal);

        // The broadcast's final count first: nothing else of it comes to the owner after that.
        await world.Api.WaitUntilAsync(() => world.Api.SentTo(admin.ChatId).FirstOrDefault(m => m.Text.Contains("已完成", StringComparison.Ordinal)), Slow);

        // Groups: created, set, given a calendar (CSV), joined, listed, reported (XLSX), and a
        // member's share and points on the way.
        world.Api.UserSends(admin.ChatId, "/newgroup 第三支部");
        var created = await world.Api.WaitForMessageAsync(admin.ChatId, m => m.Text.Contains("j_", StringComparison.Ordinal), timeout: Slow);
        var join = System.Text.RegularExpressions.Regex.Match(created.Text, "j_([a-z2-7]+)").Groups[1].Value;
        Assert.NotEmpty(join);
        world.Api.UserPresses(admin.ChatId, (await admin.SendAsync("/groups")).MessageId, $"grp:{await world.Db.ScalarAsync<long>("SELECT id FROM study_groups WHERE name = '第三支部'")}", fromId: admin.ChatId);
        await TestWorld.EventuallyAsync(async () => await world.Db.CountAsync("current_groups") == 1, "the owner picks the group", Slow);
        Assert.Contains("days=mon-fri", (await admin.SendAsync("/groupset days=mon-fri start=2026-12-01 points=on")).Text, StringComparison.Ordinal);
        world.Api.SendsDocument(admin.ChatId, "calendar.csv", "date,kind,note\n2026-12-05,study,调休\n"u8.ToArray(), "/calendar", fromId: admin.ChatId);
        await world.Api.WaitForMessageAsync(admin.ChatId, m => m.Text.Contains("调休学习日 1 天", StringComparison.Ordinal), timeout: Slow);
        var member = world.Learner(43);
        Assert.Contains("第三支部", (await member.SendAsync("/start j_" + join)).Text, StringComparison.Ordinal);
        await member.SendAsync("/today");
        var saved = await member.SendAsync("今天学到了坚持。");
        world.Api.UserPresses(member.ChatId, saved.MessageId, saved.Buttons[0].Data);
        await TestWorld.EventuallyAsync(async () => await world.Db.CountAsync("points", "chat_id = 43") == 2, "the member's points are counted", Slow);
        Assert.Contains("第三支部", (await admin.SendAsync("/members")).Text, StringComparison.Ordinal);
        world.Api.UserSends(admin.ChatId, "/report 2026-12-01 2026-12-07");
        var report = await world.Api.WaitForMessageAsync(admin.ChatId, m => m.FileName?.StartsWith("participation_", StringComparison.Ordinal) == true, timeout: Slow);
        using (var workbook = SpreadsheetDocument.Open(new MemoryStream(report.FileContent!), false))
        {
            Assert.Empty(new OpenXmlValidator().Validate(workbook));
        }

        using var http = new HttpClient { Timeout = Slow };
        await TestWorld.EventuallyAsync(async () =>
        {
            using var response = await http.GetAsync(bot.Url + "/healthz");
            return response.StatusCode == HttpStatusCode.OK && await response.Content.ReadAsStringAsync() == "ok";
        }, "/healthz answers 200 ok", Slow);
        Assert.Contains("studybot_updates_handled_total", await http.GetStringAsync(bot.Url + "/metrics"), StringComparison.Ordinal);

        // The web app: its embedded page, and its API (signed in with init data, source-generated
        // JSON both ways) reading and editing the learner's journal.
        Assert.Contains("app.js", await http.GetStringAsync(bot.Url + "/app/"), StringComparison.Ordinal);
        using var web = new WebAppClient(bot.Url) { InitData = WebAppClient.SignInitData(world.Api.Token, learner.ChatId, DateTimeOffset.UtcNow) };
        var (signedIn, me) = await web.GetAsync("/app/api/me");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal(learner.ChatId, me!["id"]!.GetValue<long>());
        static JsonNode TextEntry(JsonNode? journal) => journal!["entries"]!.AsArray().Single(e => e!["kind"]!.GetValue<string>() == "text")!;
        var entry = TextEntry((await web.GetAsync("/app/api/journal")).Json);
        Assert.Equal("今天我复习了学而篇。", entry["text"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await web.SendAsync(HttpMethod.Put, $"/app/api/journal/{entry["id"]}", new { text = "复习了学而篇，有所得。" })).Response.StatusCode);
        Assert.True(TextEntry((await web.GetAsync("/app/api/journal")).Json)["edited"]!.GetValue<bool>());

        // The summary composer's starting draft, and its Word document by /export's renderer.
        Assert.NotEmpty((await web.GetAsync("/app/api/summary")).Json!["draft"]!["insights"]!.AsArray());
        var (summary, _) = await web.GetAsync("/app/api/summary.docx");
        using (var document = WordprocessingDocument.Open(new MemoryStream(await summary.Content.ReadAsByteArrayAsync()), false))
        {
            Assert.Empty(new OpenXmlValidator().Validate(document));
        }

        // The organizer's dashboard of the group made above.
        using var organizerWeb = new WebAppClient(bot.Url) { InitData = WebAppClient.SignInitData(world.Api.Token, admin.ChatId, DateTimeOffset.UtcNow) };
        var groupId = await world.Db.ScalarAsync<long>("SELECT id FROM study_groups WHERE name = '第三支部'");
        var dashboard = (await organizerWeb.GetAsync($"/app/api/groups/{groupId}/dashboard")).Json!;
        Assert.Equal(member.ChatId, Assert.Single(dashboard["members"]!.AsArray())!["id"]!.GetValue<long>());

        // Its report to download (the workbook of /report), and a download link, as the page inside
        // Telegram asks for one, opened without signing in: the group's export as CSV.
        var (reportDownload, _) = await organizerWeb.GetAsync($"/app/api/groups/{groupId}/report.xlsx?from=2026-12-01&to=2026-12-07");
        Assert.Equal("participation_2026-12-01_2026-12-07.xlsx", reportDownload.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        using (var workbook = SpreadsheetDocument.Open(new MemoryStream(await reportDownload.Content.ReadAsByteArrayAsync()), false))
        {
            Assert.Empty(new OpenXmlValidator().Validate(workbook));
        }

        var (issued, link) = await organizerWeb.SendAsync(HttpMethod.Post, "/app/api/downloads", new { path = $"/app/api/groups/{groupId}/export.csv" });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        using var opener = new WebAppClient(bot.Url);
        var (exported, _) = await opener.GetAsync(new Uri(link!["url"]!.GetValue<string>()).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
        Assert.Contains("今天学到了坚持。", await exported.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await opener.GetAsync(new Uri(link["url"]!.GetValue<string>()).PathAndQuery)).Response.StatusCode);

        // Its settings, a broadcast sent from the page, and a pack checked before import.
        var group = $"/app/api/groups/{groupId}";
        var (_, settings) = await organizerWeb.SendAsync(HttpMethod.Put, $"{group}/settings", new { settings = new Dictionary<string, string> { ["makeup"] = "3" } });
        Assert.Equal("3", settings!["settings"]!["makeup"]!.GetValue<string>());
        const string Notice = "明晚七点集中学习。";
        var (_, draft) = await organizerWeb.SendAsync(HttpMethod.Post, $"{group}/broadcasts/preview", new { text = Notice });
        Assert.Equal(1, draft!["recipients"]!.GetValue<long>());
        var (_, confirmed) = await organizerWeb.SendAsync(HttpMethod.Post, $"{group}/broadcasts/{draft["previewId"]!.GetValue<long>()}/confirm", new { text = Notice });
        Assert.True(confirmed!["confirmedNow"]!.GetValue<bool>());
        await world.Api.WaitForMessageAsync(member.ChatId, m => m.Text == Notice);
        var csv = new ByteArrayContent(Encoding.UTF8.GetBytes("theme,quote,source,prompt\n自律,吾日三省吾身。,《论语·学而》,今天你反省了哪件事？\n"));
        var (_, packCheck) = await organizerWeb.SendAsync(HttpMethod.Post, $"{group}/packs/check?name=autumn.csv", csv);
        Assert.Equal(("autumn", 1), (packCheck!["pack"]!.GetValue<string>(), packCheck["items"]!.GetValue<int>()));
        Assert.Empty(bot.LinesContaining("fail:"));
    }
}

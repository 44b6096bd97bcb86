using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Web;

// The learner's summary composer: a starting draft from the journal, saved as it goes with a
// version that stale pages cannot overwrite, previewed and downloaded through /export's renderer;
// every route the learner's alone.
public sealed partial class SummaryComposerApiTests
{
    // Sunday 2026-12-06 22:00 UTC = Monday 06:00 in Shanghai, before the 08:00 prompt.
    private static readonly DateTimeOffset MondayMorning = new(2026, 12, 6, 22, 0, 0, TimeSpan.Zero);

    private const long Organizer = 501;
    internal const long Member = 11;

    [GeneratedRegex("([oj])_([a-z2-7]+)")]
    private static partial Regex InviteCode();

    private static WebAppClient SignedIn(TestWorld world, long userId) =>
        new(world.BotUrl) { InitData = WebAppClient.SignInitData(world.Api.Token, userId, world.Clock.GetUtcNow()) };

    // A member of the group Readers (course from 2026-12-07) who answered each day's prompt from
    // the 7th to the 12th; the reflections by date.
    internal static async Task<(TestWorld World, List<Answered> Answers)> MemberWithAWeekAsync()
    {
        var world = await TestWorld.StartAsync(MondayMorning, s => s["App:PublicUrl"] = WebAppClient.PublicUrl);
        var created = await world.Learner(TestWorld.AdminId).SendAsync("/newgroup Readers");
        var codes = InviteCode().Matches(created.Text).ToDictionary(m => m.Groups[1].Value, m => m.Value);
        await world.Learner(Organizer).SendAsync("/start " + codes["o"]);
        await world.Learner(Organizer).SendAsync("/groupset start=2026-12-07 end=2027-03-07");
        var learner = world.Learner(Member);
        await learner.SendAsync("/start " + codes["j"]);
        await learner.SendAsync("/today");
        for (var day = 7; day <= 12; day++)
        {
            if (day > 7)
            {
                await world.AdvanceToAsync(new DateTimeOffset(2026, 12, day, 0, 0, 0, TimeSpan.Zero));
                await learner.NextAsync(learner.Received - 1);
            }

            await learner.SendAsync($"Day {day}: what I took from it.");
        }

        var answers = await world.Db.QueryAsync<Answered>("""
            SELECT r.id AS Id, r.text AS Text, d.theme AS Theme, d.quote AS Quote, d.source AS Source, d.intention AS Intention
            FROM reflections r JOIN deliveries d ON d.id = r.delivery_id
            WHERE r.chat_id = @Member ORDER BY d.local_date
            """, new { Member });
        return (world, [.. answers]);
    }

    public sealed class Answered
    {
        public long Id { get; set; }
        public string Text { get; set; } = "";
        public string Theme { get; set; } = "";
        public string Quote { get; set; } = "";
        public string Source { get; set; } = "";
        public int Intention { get; set; }
    }

    private static object Draft(string title, params (string Title, long[] Ids)[] insights) => new
    {
        title,
        opening = "这一周我学到了倾听。",
        insights = insights.Select(i => new { title = i.Title, reflectionIds = i.Ids }).ToArray(),
        nextSteps = "每周五分享笔记。\n每天读一页。",
        closing = "感谢小组的陪伴。",
    };

    private static Task<(HttpResponseMessage Response, JsonNode? Json)> SaveAsync(WebAppClient web, int version, object draft, bool withCsrf = true) =>
        web.SendAsync(HttpMethod.Put, "/app/api/summary", new { version, draft }, withCsrf);

    private static Task<string?> StoredDocumentAsync(TestWorld world, long chatId) =>
        world.Db.ScalarAsync<string?>("SELECT document FROM summary_drafts WHERE chat_id = @ChatId", new { ChatId = chatId });

    [Fact]
    public async Task The_starting_draft_suggests_one_insight_per_theme_titled_by_it_and_offers_the_intention_answers()
    {
        var (world, answers) = await MemberWithAWeekAsync();
        await using var _ = world;
        using var web = SignedIn(world, Member);

        var (response, summary) = await web.GetAsync("/app/api/summary");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, summary!["version"]!.GetValue<int>());
        Assert.False(summary["saved"]!.GetValue<bool>());
        var draft = summary["draft"]!;
        Assert.StartsWith("学习心得：", draft["title"]!.GetValue<string>(), StringComparison.Ordinal);
        var studied = answers.Where(a => a.Intention == 0).ToList();
        var themes = studied.Select(a => a.Theme).Distinct().ToList();
        var insights = draft["insights"]!.AsArray();
        Assert.Equal(themes, insights.Select(i => i!["title"]!.GetValue<string>()));
        Assert.Equal(
            themes.Select(theme => studied.Where(a => a.Theme == theme).Select(a => a.Id)),
            insights.Select(i => i!["reflectionIds"]!.AsArray().Select(id => id!.GetValue<long>())));
        Assert.Equal("", draft["nextSteps"]!.GetValue<string>());

        var material = summary["reflections"]!.AsArray();
        Assert.Equal(answers.Select(a => a.Id), material.Select(m => m!["id"]!.GetValue<long>()));
        var intentions = answers.Where(a => a.Intention == 1).Select(a => a.Text).ToList();
        Assert.NotEmpty(intentions);
        Assert.Equal(intentions, material.Where(m => m!["intention"]!.GetValue<bool>()).Select(m => m!["text"]!.GetValue<string>()));
        Assert.Equal(0, await world.Db.CountAsync("summary_drafts"));
    }

    [Fact]
    public async Task A_saved_draft_comes_back_as_saved_and_the_same_save_again_is_no_conflict()
    {
        var (world, answers) = await MemberWithAWeekAsync();
        await using var _ = world;
        using var web = SignedIn(world, Member);
        var draft = Draft("我的学习心得", ("为民之道", [answers[2].Id, answers[0].Id]), ("", []));

        var (saved, version) = await SaveAsync(web, 0, draft);

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(1, version!["version"]!.GetValue<int>());
        var (_, summary) = await web.GetAsync("/app/api/summary");
        Assert.Equal(1, summary!["version"]!.GetValue<int>());
        Assert.True(summary["saved"]!.GetValue<bool>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(JsonContentOf(draft)), summary["draft"]));

        // The answer to the first save was lost, say, and the page sends it again.
        var (again, sameVersion) = await SaveAsync(web, 0, draft);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, sameVersion!["version"]!.GetValue<int>());

        var (next, nextVersion) = await SaveAsync(web, 1, Draft("我的学习心得（二稿）"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(2, nextVersion!["version"]!.GetValue<int>());
        Assert.Equal("我的学习心得（二稿）", (await web.GetAsync("/app/api/summary")).Json!["draft"]!["title"]!.GetValue<string>());
    }

    private static string JsonContentOf(object value) => System.Text.Json.JsonSerializer.Serialize(value);

    [Fact]
    public async Task A_save_from_a_stale_version_gets_409_and_changes_nothing()
    {
        var (world, answers) = await MemberWithAWeekAsync();
        await using var _ = world;
        using var phone = SignedIn(world, Member);
        using var laptop = SignedIn(world, Member);
        await SaveAsync(phone, 0, Draft("First", ("A", [answers[0].Id])));
        await SaveAsync(laptop, 1, Draft("Newer, from the laptop"));
        var stored = await StoredDocumentAsync(world, Member);

        var (stale, error) = await SaveAsync(phone, 1, Draft("Older, from the phone"));
        var (fresh, _) = await SaveAsync(phone, 0, Draft("As if there were none"));
        var (ahead, _) = await SaveAsync(phone, 7, Draft("From the future"));

        Assert.Equal([HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict], [stale.StatusCode, fresh.StatusCode, ahead.StatusCode]);
        Assert.Contains("reload", error!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(stored, await StoredDocumentAsync(world, Member));
        Assert.Equal(2, await world.Db.ScalarAsync<int>("SELECT version FROM summary_drafts WHERE chat_id = @Member", new { Member }));
    }

    [Fact]
    public async Task A_bad_draft_is_refused_with_a_clear_message_and_nothing_is_saved()
    {
        var (world, answers) = await MemberWithAWeekAsync();
        await using var _ = world;
        var other = world.Learner(43);
        await other.SendAsync("/start");
        await other.SendAsync("/today");
        await other.SendAsync("Not the member's");
        var othersId = await world.Db.ScalarAsync<long>("SELECT id FROM reflections WHERE chat_id = 43");
        using var web = SignedIn(world, Member);

        var refusals = new (object Draft, string Error)[]
        {
            (Draft("Mine", ("A", [answers[0].Id, othersId])), $"insight 1: reflection {othersId} is not in your journal"),
            (Draft("Mine", ("A", [answers[0].Id]), ("B", [answers[0].Id])), $"reflection {answers[0].Id} is in more than one place"),
            (Draft(new string('x', 201)), "the title is longer than 200 characters"),
            (Draft("Mine", [.. Enumerable.Range(0, 31).Select(i => ($"Insight {i}", Array.Empty<long>()))]), "a summary has at most 30 insights"),
            (new { title = "Mine", opening = new string('x', 20_001) }, "the opening is longer than 20000 characters"),
        };
        foreach (var (draft, expected) in refusals)
        {
            var (response, error) = await SaveAsync(web, 0, draft);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(expected, error!["error"]!.GetValue<string>());
        }

        var (missing, noDraft) = await web.SendAsync(HttpMethod.Put, "/app/api/summary", new { version = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("no draft", noDraft!["error"]!.GetValue<string>());
        Assert.Equal(0, await world.Db.CountAsync("summary_drafts"));
    }

    [Fact]
    public async Task The_downloads_and_the_preview_print_the_chosen_insights_in_order_with_their_quotations()
    {
        var (world, answers) = await MemberWithAWeekAsync();
        await using var _ = world;
        using var web = SignedIn(world, Member);
        var studied = answers.Where(a => a.Intention == 0).ToList();
        var (first, second) = (studied[^1], studied[0]);
        await SaveAsync(web, 0, Draft("我的学习心得", ("倾听", [first.Id]), ("为民之道", [second.Id])));

        var (docxResponse, _) = await web.GetAsync("/app/api/summary.docx");
        Assert.Equal(HttpStatusCode.OK, docxResponse.StatusCode);
        Assert.Matches(@"^study-summary-2026-12-\d\d\.docx$", docxResponse.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        using var package = WordprocessingDocument.Open(new MemoryStream(await docxResponse.Content.ReadAsByteArrayAsync()), false);
        Assert.Empty(new OpenXmlValidator().Validate(package));
        var paragraphs = package.MainDocumentPart!.Document!.Body!.Elements<Paragraph>()
            .Select(p => (Style: p.ParagraphProperties?.ParagraphStyleId?.Val?.Value, Text: p.InnerText)).ToList();
        var texts = paragraphs.Select(p => p.Text).ToList();
        Assert.Equal(("Title", "我的学习心得"), paragraphs[0]);
        Assert.Equal("课程：Readers（2026-12-07 至 2027-03-07）", texts[1]);
        Assert.Equal("这一周我学到了倾听。", texts[3]);
        Assert.Equal(["1. 倾听", "2. 为民之道", "下一步"], paragraphs.Where(p => p.Style == "Heading1").Select(p => p.Text));
        Assert.Equal([first.Quote, "——" + first.Source, second.Quote, "——" + second.Source], paragraphs.Where(p => p.Style == "Quote").Select(p => p.Text));
        Assert.True(texts.IndexOf("1. 倾听") < texts.IndexOf(first.Text) && texts.IndexOf(first.Text) < texts.IndexOf("2. 为民之道") && texts.IndexOf("2. 为民之道") < texts.IndexOf(second.Text));
        Assert.Equal(["下一步", "每周五分享笔记。", "每天读一页。", "感谢小组的陪伴。"], texts.SkipWhile(t => t != "下一步"));
        Assert.All(answers.Except([first, second]), a => Assert.DoesNotContain(a.Text, texts));

        var (mdResponse, _) = await web.GetAsync("/app/api/summary.md");
        Assert.Equal("text/markdown", mdResponse.Content.Headers.ContentType?.MediaType);
        var md = await mdResponse.Content.ReadAsStringAsync();
        Assert.StartsWith("# 我的学习心得\n\n课程：Readers（2026-12-07 至 2027-03-07）\n\n", md, StringComparison.Ordinal);
        Assert.Contains($"\n## 1. 倾听\n\n> {first.Quote}\n>\n> ——{first.Source}\n\n", md, StringComparison.Ordinal);
        Assert.True(md.IndexOf("## 1. 倾听", StringComparison.Ordinal) < md.IndexOf(first.Text, StringComparison.Ordinal)
            && md.IndexOf(first.Text, StringComparison.Ordinal) < md.IndexOf("## 2. 为民之道", StringComparison.Ordinal)
            && md.IndexOf("## 2. 为民之道", StringComparison.Ordinal) < md.IndexOf(second.Text, StringComparison.Ordinal));
        Assert.EndsWith("## 下一步\n\n每周五分享笔记。\n\n每天读一页。\n\n感谢小组的陪伴。\n\n", md, StringComparison.Ordinal);

        var (_, preview) = await web.GetAsync("/app/api/summary/preview");
        Assert.Equal("我的学习心得", preview!["title"]!.GetValue<string>());
        Assert.Equal("课程：Readers（2026-12-07 至 2027-03-07）", preview["course"]!.GetValue<string>());
        Assert.Equal("这一周我学到了倾听。", preview["opening"]!.GetValue<string>());
        var insights = preview["insights"]!.AsArray();
        Assert.Equal(["1. 倾听", "2. 为民之道"], insights.Select(i => i!["heading"]!.GetValue<string>()));
        var quotation = insights[0]!["quotations"]![0]!;
        Assert.Equal((first.Quote, "——" + first.Source), (quotation["quote"]!.GetValue<string>(), quotation["source"]!.GetValue<string>()));
        Assert.Equal(first.Text, quotation["reflections"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(("下一步", "每周五分享笔记。\n每天读一页。", "感谢小组的陪伴。"),
            (preview["nextStepsHeading"]!.GetValue<string>(), preview["nextSteps"]!.GetValue<string>(), preview["closing"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Every_composer_route_shows_another_user_only_their_own_and_nobody_nothing()
    {
        var (world, answers) = await MemberWithAWeekAsync();
        await using var _ = world;
        using var member = SignedIn(world, Member);
        await SaveAsync(member, 0, Draft("Mine alone", ("A", [answers[0].Id])));
        var stored = await StoredDocumentAsync(world, Member);
        var intruder = world.Learner(43);
        await intruder.SendAsync("/start");
        using var inTelegram = SignedIn(world, 43);
        using var inBrowser = new WebAppClient(world.BotUrl);
        await inBrowser.RedeemAsync(await WebAppClient.LinkTokenAsync(intruder));
        using var nobody = new WebAppClient(world.BotUrl);

        foreach (var other in new[] { inTelegram, inBrowser })
        {
            var (get, summary) = await other.GetAsync("/app/api/summary");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(0, summary!["version"]!.GetValue<int>());
            Assert.Empty(summary["reflections"]!.AsArray());
            Assert.Empty(summary["draft"]!["insights"]!.AsArray());
            foreach (var path in new[] { "/app/api/summary/preview", "/app/api/summary.docx", "/app/api/summary.md" })
            {
                Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(path)).Response.StatusCode);
            }

            var (put, error) = await SaveAsync(other, 1, Draft("Taken over", ("A", [answers[0].Id])));
            Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
            Assert.Contains("not in your journal", error!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        foreach (var path in new[] { "/app/api/summary", "/app/api/summary/preview", "/app/api/summary.docx", "/app/api/summary.md" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await nobody.GetAsync(path)).Response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await SaveAsync(nobody, 1, Draft("Taken over"))).Response.StatusCode);
        Assert.Equal(stored, await StoredDocumentAsync(world, Member));
        Assert.Equal(1, await world.Db.CountAsync("summary_drafts"));
    }

    [Fact]
    public async Task A_browser_save_without_the_CSRF_token_is_refused_and_changes_nothing()
    {
        var (world, answers) = await MemberWithAWeekAsync();
        await using var _ = world;
        using var browser = new WebAppClient(world.BotUrl);
        await browser.RedeemAsync(await WebAppClient.LinkTokenAsync(world.Learner(Member)));

        var (refused, error) = await SaveAsync(browser, 0, Draft("Forged", ("A", [answers[0].Id])), withCsrf: false);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("CSRF", error!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await world.Db.CountAsync("summary_drafts"));
        Assert.Equal(HttpStatusCode.OK, (await SaveAsync(browser, 0, Draft("On purpose"))).Response.StatusCode);
    }

    [Fact]
    public async Task Deleting_ones_data_removes_the_summary_draft()
    {
        var (world, answers) = await MemberWithAWeekAsync();
        await using var _ = world;
        using var web = SignedIn(world, Member);
        await SaveAsync(web, 0, Draft("Soon gone", ("A", [answers[0].Id])));
        Assert.Equal(1, await world.Db.CountAsync("summary_drafts", "chat_id = @Member", new { Member }));

        var question = await world.Learner(Member).SendAsync("/deletedata");
        world.Api.UserPresses(Member, question.MessageId, "dd:ok");
        await TestWorld.EventuallyAsync(async () => await world.Db.CountAsync("learners", "chat_id = @Member", new { Member }) == 0, "the learner's data is deleted");

        Assert.Equal(0, await world.Db.CountAsync("summary_drafts"));
        Assert.Equal(0, (await web.GetAsync("/app/api/summary")).Json!["version"]!.GetValue<int>());
    }
}

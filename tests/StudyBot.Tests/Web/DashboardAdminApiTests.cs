using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using StudyBot.Tests.Content;
using StudyBot.Tests.Infrastructure;
using static StudyBot.Tests.Web.DashboardApiTests;

namespace StudyBot.Tests.Web;

// The organizer's changes in the web app: the group's settings (/groupset's rules), a broadcast
// with preview, confirm and progress (/broadcast's pipeline), and a pack checked before it is
// imported (a document sent to the bot); nothing of it for anyone who does not run the group.
public sealed class DashboardAdminApiTests
{
    // The chat's good pack, its first quotation with markup in it.
    private static readonly string GoodYaml = PackImportTests.GoodYaml.Replace("one another.", "one another. <script>alert(1)</script>", StringComparison.Ordinal);

    private static string Group(Course course) => $"/app/api/groups/{course.A}";

    private static ByteArrayContent File(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static ByteArrayContent File(string text) => File(Encoding.UTF8.GetBytes(text));

    private static Task<(HttpResponseMessage Response, JsonNode? Json)> PutSettingsAsync(WebAppClient client, Course course, object settings) =>
        client.SendAsync(HttpMethod.Put, $"{Group(course)}/settings", new { settings });

    private static Task<long> GroupPackCountAsync(TestWorld world) => world.Db.CountAsync("packs", "group_id <> 0");

    private static Task<long> BroadcastCopiesAsync(TestWorld world) => world.Db.CountAsync("outbox", "kind = 'broadcast'");

    private static List<string> Strings(JsonNode? list) => [.. list!.AsArray().Select(n => n!.GetValue<string>())];

    [Fact]
    public async Task Settings_show_every_groupset_key_and_a_change_is_saved_as_groupset_saves_it()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);

        var (response, shown) = await organizer.GetAsync($"{Group(course)}/settings");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var settings = shown!["settings"]!.AsObject();
        Assert.Equal(
            ["name", "language", "time", "zone", "pack", "start", "end", "days", "makeup", "points", "leaderboard", "wall", "walltime", "reminder"],
            settings.Select(s => s.Key));
        Assert.Equal(("Branch A", "2026-12-03", "none", "2"), (settings["name"]!.GetValue<string>(), settings["start"]!.GetValue<string>(), settings["end"]!.GetValue<string>(), settings["makeup"]!.GetValue<string>()));
        Assert.NotEmpty(shown["packs"]!.AsArray());
        var saturday = $"{Group(course)}/dashboard?from=2026-12-05&to=2026-12-05";
        Assert.Equal(["o", "x", "x"], (await organizer.GetAsync(saturday)).Json!["members"]!.AsArray().Select(m => m!["marks"]!.GetValue<string>()));

        var (changed, saved) = await PutSettingsAsync(organizer, course, new Dictionary<string, string> { ["makeup"] = "3", ["days"] = "mon-fri", ["name"] = "Branch A, 2nd year" });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(("Branch A, 2nd year", "mon-fri", "3"), (saved!["settings"]!["name"]!.GetValue<string>(), saved["settings"]!["days"]!.GetValue<string>(), saved["settings"]!["makeup"]!.GetValue<string>()));
        Assert.Equal(3, await world.Db.ScalarAsync<long>($"SELECT makeup_days FROM study_groups WHERE id = {course.A}"));
        Assert.Equal(1, await world.Db.CountAsync("audit", $"action = 'group.set' AND user_id = {OrganizerA} AND details LIKE '#{course.A}: %makeup=3%'"));

        // The chat sees the change at once (the cached course is forgotten), in /groupset's words.
        var group = await world.Learner(OrganizerA).SendAsync("/group");
        Assert.Contains("makeup=3", group.Text, StringComparison.Ordinal);
        Assert.Contains("days=mon-fri", group.Text, StringComparison.Ordinal);
        // Saturday the 5th is no study day any more: Bo and Cy missed nothing then. The dashboard
        // shows it at once, not when its kept answer grows old.
        Assert.Equal(["o", "n", "n"], (await organizer.GetAsync(saturday)).Json!["members"]!.AsArray().Select(m => m!["marks"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Bad_settings_are_refused_whole_with_the_chats_words_and_change_nothing()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);
        var before = (await organizer.GetAsync($"{Group(course)}/settings")).Json!["settings"]!.ToJsonString();

        var (response, refusal) = await PutSettingsAsync(organizer, course, new Dictionary<string, string> { ["makeup"] = "9", ["colour"] = "red", ["wall"] = "off" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problems = Strings(refusal!["problems"]);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("makeup", StringComparison.Ordinal) && p.Contains('9', StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("colour", StringComparison.Ordinal));

        // The same words as /groupset's refusal in the chat.
        var chat = await world.Learner(OrganizerA).SendAsync("/groupset makeup=9 colour=red wall=off");
        Assert.Equal(chat.Text, refusal["error"]!.GetValue<string>());

        foreach (var bad in new object[] { new { }, new { settings = new Dictionary<string, string>() }, new { settings = new Dictionary<string, string> { ["end"] = "2026-12-01" } }, new { settings = new Dictionary<string, string> { ["pack"] = "no-such-pack" } } })
        {
            var (refused, json) = await organizer.SendAsync(HttpMethod.Put, $"{Group(course)}/settings", bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.NotNull(json?["error"]);
        }

        Assert.Equal(before, (await organizer.GetAsync($"{Group(course)}/settings")).Json!["settings"]!.ToJsonString());
        Assert.Equal(0, await world.Db.CountAsync("audit", "action = 'group.set'"));
    }

    [Fact]
    public async Task Broadcast_preview_sends_nothing_confirm_reaches_each_member_once_and_a_replayed_confirm_sends_nothing_more()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);
        const string Notice = "Meet at 19:00 <b>sharp</b>, room 3.";

        var (previewed, preview) = await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/broadcasts/preview", new { text = "  " + Notice + "\n " });

        Assert.Equal(HttpStatusCode.OK, previewed.StatusCode);
        Assert.Equal((Notice, 3L, 0L), (preview!["text"]!.GetValue<string>(), preview["recipients"]!.GetValue<long>(), preview["linkedChats"]!.GetValue<long>()));
        var id = preview["previewId"]!.GetValue<long>();
        Assert.Equal(0, await BroadcastCopiesAsync(world));
        var (_, draft) = await organizer.GetAsync($"{Group(course)}/broadcasts/{id}");
        Assert.Equal(("draft", false), (draft!["status"]!.GetValue<string>(), draft["finished"]!.GetValue<bool>()));

        // A text other than the previewed one confirms nothing.
        var (other, _) = await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/broadcasts/{id}/confirm", new { text = Notice + " And bring a friend." });
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        Assert.Equal(0, await BroadcastCopiesAsync(world));

        var (confirmed, first) = await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/broadcasts/{id}/confirm", new { text = Notice });

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.True(first!["confirmedNow"]!.GetValue<bool>());
        Assert.Equal(3, first["progress"]!["total"]!.GetValue<int>());
        foreach (var member in new[] { Ann, Bo, Cy })
        {
            await world.Api.WaitForMessageAsync(member, m => m.Text == Notice);
        }

        // The page polls until done; the organizer's chat gets the final count as from /broadcast.
        JsonNode? progress = null;
        await TestWorld.EventuallyAsync(async () => (progress = (await organizer.GetAsync($"{Group(course)}/broadcasts/{id}")).Json)!["finished"]!.GetValue<bool>(), "the broadcast is done");
        Assert.Equal(("done", 3, 3L, 0L, 0L, 0L), (progress!["status"]!.GetValue<string>(), progress["total"]!.GetValue<int>(), progress["delivered"]!.GetValue<long>(), progress["blocked"]!.GetValue<long>(), progress["failed"]!.GetValue<long>(), progress["pending"]!.GetValue<long>()));
        await world.Api.WaitUntilAsync(() => world.Api.SentTo(OrganizerA).FirstOrDefault(m => m.Text.Contains($"第 {id} 号通知已完成：送达 3", StringComparison.Ordinal)));

        var (replayed, again) = await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/broadcasts/{id}/confirm", new { text = Notice });
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.False(again!["confirmedNow"]!.GetValue<bool>());
        Assert.Equal("done", again["progress"]!["status"]!.GetValue<string>());

        await world.OutboxDrainedAsync();
        Assert.Equal(3, await BroadcastCopiesAsync(world));
        foreach (var member in new[] { Ann, Bo, Cy })
        {
            Assert.Single(world.Api.SentTo(member), m => m.Text == Notice);
        }

        Assert.DoesNotContain(world.Api.SentTo(Dee), m => m.Text == Notice);
        Assert.Equal(1, await world.Db.CountAsync("audit", $"action = 'broadcast.confirm' AND user_id = {OrganizerA}"));
    }

    [Fact]
    public async Task A_double_clicked_confirm_sends_one_copy_each()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);
        var (_, preview) = await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/broadcasts/preview", new { text = "Twice?" });
        var confirm = $"{Group(course)}/broadcasts/{preview!["previewId"]!.GetValue<long>()}/confirm";

        var both = await Task.WhenAll(organizer.SendAsync(HttpMethod.Post, confirm, new { text = "Twice?" }), organizer.SendAsync(HttpMethod.Post, confirm, new { text = "Twice?" }));

        Assert.All(both, r => Assert.Equal(HttpStatusCode.OK, r.Response.StatusCode));
        Assert.Equal([false, true], both.Select(r => r.Json!["confirmedNow"]!.GetValue<bool>()).Order());
        await world.OutboxDrainedAsync();
        Assert.Equal(3, await BroadcastCopiesAsync(world));
        Assert.All(new[] { Ann, Bo, Cy }, member => Assert.Single(world.Api.SentTo(member), m => m.Text == "Twice?"));
    }

    [Fact]
    public async Task A_cancelled_preview_is_never_sent_and_a_confirmed_one_cannot_be_cancelled()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);
        var broadcasts = $"{Group(course)}/broadcasts";
        var (_, dropped) = await organizer.SendAsync(HttpMethod.Post, $"{broadcasts}/preview", new { text = "Not after all" });
        var droppedId = dropped!["previewId"]!.GetValue<long>();

        Assert.Equal(HttpStatusCode.NoContent, (await organizer.SendAsync(HttpMethod.Post, $"{broadcasts}/{droppedId}/cancel")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await organizer.SendAsync(HttpMethod.Post, $"{broadcasts}/{droppedId}/cancel")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await organizer.SendAsync(HttpMethod.Post, $"{broadcasts}/{droppedId}/confirm", new { text = "Not after all" })).Response.StatusCode);
        Assert.Equal(1, await world.Db.CountAsync("audit", $"action = 'broadcast.cancel' AND user_id = {OrganizerA} AND details = '#{droppedId}'"));

        var (_, sent) = await organizer.SendAsync(HttpMethod.Post, $"{broadcasts}/preview", new { text = "Going out" });
        var sentId = sent!["previewId"]!.GetValue<long>();
        await organizer.SendAsync(HttpMethod.Post, $"{broadcasts}/{sentId}/confirm", new { text = "Going out" });
        Assert.Equal(HttpStatusCode.Conflict, (await organizer.SendAsync(HttpMethod.Post, $"{broadcasts}/{sentId}/cancel")).Response.StatusCode);

        await world.OutboxDrainedAsync();
        Assert.Equal(3, await BroadcastCopiesAsync(world));
        Assert.All(new[] { Ann, Bo, Cy }, member => Assert.DoesNotContain(world.Api.SentTo(member), m => m.Text == "Not after all"));
    }

    [Fact]
    public async Task A_bad_broadcast_is_refused_and_sends_nothing()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);
        using var otherOrganizer = WebAppClient.InTelegram(world, OrganizerB);

        foreach (var bad in new object[] { new { text = "   " }, new { text = new string('x', 4097) }, new { } })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/broadcasts/preview", bad)).Response.StatusCode);
        }

        // Group B's draft is no draft of group A's, whoever asks through A.
        var (_, ofB) = await otherOrganizer.SendAsync(HttpMethod.Post, $"/app/api/groups/{course.B}/broadcasts/preview", new { text = "For B" });
        var bId = ofB!["previewId"]!.GetValue<long>();
        Assert.Equal(HttpStatusCode.NotFound, (await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/broadcasts/{bId}/confirm", new { text = "For B" })).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await organizer.GetAsync($"{Group(course)}/broadcasts/{bId}")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/broadcasts/{bId + 1000}/confirm", new { text = "For B" })).Response.StatusCode);

        // A preview older than a day is confirmed no more.
        var (_, old) = await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/broadcasts/preview", new { text = "Yesterday's news" });
        world.Clock.Advance(TimeSpan.FromDays(1));
        using var dayLater = WebAppClient.InTelegram(world, OrganizerA);
        var (expired, refusal) = await dayLater.SendAsync(HttpMethod.Post, $"{Group(course)}/broadcasts/{old!["previewId"]!.GetValue<long>()}/confirm", new { text = "Yesterday's news" });
        Assert.Equal(HttpStatusCode.Conflict, expired.StatusCode);
        Assert.NotNull(refusal!["error"]);

        Assert.Equal(0, await world.Db.CountAsync("outbox", "broadcast_id IS NOT NULL"));
        Assert.Equal(0, await world.Db.CountAsync("broadcasts", "status <> 'draft'"));
    }

    [Fact]
    public async Task A_pack_is_checked_with_nothing_imported_then_imported_as_the_groups_course()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);

        var (checkedFile, check) = await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/packs/check?name=spring.yaml", File(GoodYaml));

        Assert.Equal(HttpStatusCode.OK, checkedFile.StatusCode);
        Assert.Equal(("spring-course", "en", "2026-12-01", 2), (check!["pack"]!.GetValue<string>(), check["language"]!.GetValue<string>(), check["start"]!.GetValue<string>(), check["items"]!.GetValue<int>()));

        // Markup is a pack's text like any other: shown and kept as written, never run.
        Assert.Equal("Men exist for the sake of one another. <script>alert(1)</script>", check["firstItems"]![0]!["quote"]!.GetValue<string>());
        Assert.Equal("2026-12-25", check["firstItems"]![1]!["date"]!.GetValue<string>());
        Assert.Equal(0, await GroupPackCountAsync(world));

        var (imported, result) = await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/packs?name=spring.yaml", File(GoodYaml));

        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(("spring-course", 2, 0, true), (result!["pack"]!.GetValue<string>(), result["itemsAdded"]!.GetValue<int>(), result["itemsReplaced"]!.GetValue<int>(), result["activated"]!.GetValue<bool>()));
        Assert.Equal(course.A, await world.Db.ScalarAsync<long>("SELECT group_id FROM packs WHERE name = 'spring-course'"));
        Assert.Equal("spring-course", await world.Db.ScalarAsync<string>($"SELECT pack_name FROM study_groups WHERE id = {course.A}"));
        Assert.Equal("spring-course", (await organizer.GetAsync($"{Group(course)}/settings")).Json!["settings"]!["pack"]!.GetValue<string>());
        Assert.Equal(1, await world.Db.CountAsync("audit", $"action = 'import' AND user_id = {OrganizerA} AND details = 'spring.yaml: pack spring-course, 2 added, 0 replaced'"));

        // A CSV takes its language and start from the page's fields; activate=no keeps the course.
        const string Csv = "theme,quote,source,prompt\n自律,吾日三省吾身。,《论语·学而》,今天你反省了哪件事？\n";
        var (csvChecked, csv) = await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/packs/check?name=autumn.csv&language=zh-CN&start=2026-12-10", File(Csv));
        Assert.Equal(HttpStatusCode.OK, csvChecked.StatusCode);
        Assert.Equal(("autumn", "zh-CN", "2026-12-10", 1), (csv!["pack"]!.GetValue<string>(), csv["language"]!.GetValue<string>(), csv["start"]!.GetValue<string>(), csv["items"]!.GetValue<int>()));
        var (_, kept) = await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/packs?name=autumn.csv&language=zh-CN&start=2026-12-10&activate=no", File(Csv));
        Assert.False(kept!["activated"]!.GetValue<bool>());
        Assert.Equal("spring-course", await world.Db.ScalarAsync<string>($"SELECT pack_name FROM study_groups WHERE id = {course.A}"));
        Assert.Equal(2, await GroupPackCountAsync(world));

        // Without a language, a CSV is in the group's language, not the uploader's (zh-CN here).
        await PutSettingsAsync(organizer, course, new Dictionary<string, string> { ["language"] = "en" });
        var (_, english) = await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/packs?name=winter.csv&activate=no", File(Csv));
        Assert.Equal(1, english!["itemsAdded"]!.GetValue<int>());
        Assert.Equal("en", await world.Db.ScalarAsync<string>("SELECT language FROM packs WHERE name = 'winter'"));
    }

    [Fact]
    public async Task A_hostile_or_bad_pack_file_gets_a_short_answer_and_changes_nothing()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);
        var items = await world.Db.CountAsync("content_items");
        using var gzip = new MemoryStream();
        using (var zip = new GZipStream(gzip, CompressionLevel.Optimal, leaveOpen: true))
        {
            zip.Write(new byte[10_000_000]);
        }

        var missingPrompts = GoodYaml.Replace("    prompt: Whom will you help this week?\n", "", StringComparison.Ordinal).Replace("    prompt: What mastered you today?\n", "", StringComparison.Ordinal);
        (string Name, byte[] Bytes, HttpStatusCode Status, string Says)[] files =
        [
            ("big.yaml", Encoding.UTF8.GetBytes(GoodYaml + "#" + new string('x', 1024 * 1024)), HttpStatusCode.RequestEntityTooLarge, "KB"),
            ("course.exe", Encoding.UTF8.GetBytes(GoodYaml), HttpStatusCode.BadRequest, ".yaml"),
            ("latin1.yaml", [.. Encoding.Latin1.GetBytes("pack: caf\u00e9\n")], HttpStatusCode.BadRequest, "UTF-8"),
            ("bomb.yaml", gzip.ToArray(), HttpStatusCode.BadRequest, "UTF-8"),
            ("marked.yaml", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(GoodYaml), 0xFF], HttpStatusCode.BadRequest, "UTF-8"),
            ("wide.yaml", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("pack: x\n"), 0x00, 0xD8], HttpStatusCode.BadRequest, "UTF-8"),
            ("laughs.yaml", Encoding.UTF8.GetBytes(HostilePacks.AliasBomb()), HttpStatusCode.BadRequest, "4"),
            ("deep.json", Encoding.UTF8.GetBytes(HostilePacks.Brackets), HttpStatusCode.BadRequest, "1"),
            ("spring.yaml", Encoding.UTF8.GetBytes(missingPrompts), HttpStatusCode.BadRequest, "prompt"),
        ];

        foreach (var (name, bytes, status, says) in files)
        {
            foreach (var route in new[] { "packs/check", "packs" })
            {
                var (response, refusal) = await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/{route}?name={name}", File(bytes));
                Assert.Equal(status, response.StatusCode);
                Assert.Contains(says, refusal!["error"]!.GetValue<string>(), StringComparison.Ordinal);
                Assert.True(refusal["error"]!.GetValue<string>().Length < 300, name);
            }
        }

        // A byte order mark alone is no fault (Excel writes one); checking imports nothing.
        Assert.Equal(HttpStatusCode.OK, (await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/packs/check?name=marked.yaml", File([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(GoodYaml)]))).Response.StatusCode);

        // Every problem is listed, not only the first the chat names.
        var (_, listed) = await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/packs/check?name=spring.yaml", File(missingPrompts));
        Assert.Equal(2, listed!["problems"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/packs/check", File(GoodYaml))).Response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await organizer.SendAsync(HttpMethod.Post, $"{Group(course)}/packs?name=spring.yaml&activate=maybe", File(GoodYaml))).Response.StatusCode);

        Assert.Equal(0, await GroupPackCountAsync(world));
        Assert.Equal(items, await world.Db.CountAsync("content_items"));
        Assert.Null(await world.Db.ScalarAsync<string?>($"SELECT pack_name FROM study_groups WHERE id = {course.A}"));
    }

    [Fact]
    public async Task Every_admin_route_refuses_another_groups_organizer_a_learner_and_nobody_and_changes_nothing()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        var group = Group(course);
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);
        var (_, preview) = await organizer.SendAsync(HttpMethod.Post, $"{group}/broadcasts/preview", new { text = "Only from A" });
        var draft = preview!["previewId"]!.GetValue<long>();
        var settingsBefore = (await organizer.GetAsync($"{group}/settings")).Json!["settings"]!.ToJsonString();
        (HttpMethod Method, string Path, Func<object?> Body)[] routes =
        [
            (HttpMethod.Get, $"{group}/settings", () => null),
            (HttpMethod.Put, $"{group}/settings", () => new { settings = new { name = "Taken over" } }),
            (HttpMethod.Post, $"{group}/broadcasts/preview", () => new { text = "Taken over" }),
            (HttpMethod.Post, $"{group}/broadcasts/{draft}/confirm", () => new { text = "Only from A" }),
            (HttpMethod.Get, $"{group}/broadcasts/{draft}", () => null),
            (HttpMethod.Post, $"{group}/broadcasts/{draft}/cancel", () => null),
            (HttpMethod.Post, $"{group}/packs/check?name=spring.yaml", () => File(GoodYaml)),
            (HttpMethod.Post, $"{group}/packs?name=spring.yaml", () => File(GoodYaml)),
        ];
        using var otherOrganizer = WebAppClient.InTelegram(world, OrganizerB);
        using var learner = WebAppClient.InTelegram(world, Cy);
        using var nobody = new WebAppClient(world.BotUrl);

        foreach (var (method, path, body) in routes)
        {
            foreach (var (client, status) in new[] { (otherOrganizer, HttpStatusCode.NotFound), (learner, HttpStatusCode.NotFound), (nobody, HttpStatusCode.Unauthorized) })
            {
                var (response, json) = await client.SendAsync(method, path, body());
                Assert.Equal(status, response.StatusCode);
                Assert.DoesNotContain("Branch A", json?.ToJsonString() ?? "", StringComparison.Ordinal);
            }
        }

        // The group's own organizer in a browser: reads as usual, changes only with the CSRF token.
        using var browser = await WebAppClient.InBrowserAsync(world, world.Learner(OrganizerA));
        foreach (var (method, path, body) in routes)
        {
            var (response, _) = await browser.SendAsync(method, path, body(), withCsrf: false);
            Assert.Equal(method == HttpMethod.Get ? HttpStatusCode.OK : HttpStatusCode.Forbidden, response.StatusCode);
        }

        await world.UpdatesHandledAsync();
        Assert.Equal(settingsBefore, (await organizer.GetAsync($"{group}/settings")).Json!["settings"]!.ToJsonString());
        Assert.Equal(1, await world.Db.CountAsync("broadcasts"));
        Assert.Equal(0, await world.Db.CountAsync("broadcasts", "status <> 'draft'"));
        Assert.Equal(0, await world.Db.CountAsync("outbox", "broadcast_id IS NOT NULL"));
        Assert.Equal(0, await GroupPackCountAsync(world));
        Assert.Equal(0, await world.Db.CountAsync("audit", "action IN ('group.set', 'import', 'broadcast.confirm', 'broadcast.cancel')"));

        var (settings, _) = await browser.SendAsync(HttpMethod.Put, $"{group}/settings", new { settings = new { makeup = "1" } });
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
    }
}

using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StudyBot.Tests.Infrastructure;
using StudyBot.Web;

namespace StudyBot.Tests.Web;

// The organizer's dashboard API: a group's members by days, its daily completion, who has not
// answered today, the nudge and the wall; nothing of a group to anyone who does not run it.
public sealed class DashboardApiTests
{
    internal const long OrganizerA = 501;
    internal const long OrganizerB = 502;
    internal const long Ann = 11;
    internal const long Bo = 12;
    internal const long Cy = 13;
    internal const long Dee = 21;

    // It is 10:00 on 2026-12-07 in Shanghai. Group A's course started on the 3rd; Ann answered
    // the 4th and 5th on the day, made up the 6th, answered today and shared it; Bo answered only
    // the 4th; Cy never. Dee, of group B, answered today and shared it.
    internal sealed record Course(TestWorld World, long A, long B, long AnnToday, long AnnOn4th, long DeeToday) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => World.DisposeAsync();
    }

    internal static async Task<Course> CourseAsync(string? tempFolder = null)
    {
        var world = await TestWorld.StartAsync(settings: s =>
        {
            s["App:PublicUrl"] = WebAppClient.PublicUrl;
            s["Bot:TempFolder"] = tempFolder;
        });
        var joins = new List<string>();
        foreach (var (name, organizer) in new[] { ("Branch A", OrganizerA), ("Branch B", OrganizerB) })
        {
            var created = await world.Learner(TestWorld.AdminId).SendAsync("/newgroup " + name);
            await world.Learner(organizer).SendAsync("/start o_" + Regex.Match(created.Text, "o_([a-z2-7]+)").Groups[1].Value);
            joins.Add("/start j_" + Regex.Match(created.Text, "j_([a-z2-7]+)").Groups[1].Value);
        }

        var a = await world.Db.ScalarAsync<long>("SELECT id FROM study_groups WHERE name = 'Branch A'");
        var b = await world.Db.ScalarAsync<long>("SELECT id FROM study_groups WHERE name = 'Branch B'");

        // Before anyone reads the course (and caches it for a while).
        await world.Db.ExecuteAsync($"UPDATE study_groups SET start_date = '2026-12-03' WHERE id = {a}");
        foreach (var (member, join, name) in new[] { (Ann, joins[0], "Ann"), (Bo, joins[0], "Bo"), (Cy, joins[0], "Cy"), (Dee, joins[1], "Dee") })
        {
            await world.Learner(member).SendAsync(join);
            await world.Learner(member).SendAsync("/today");
            await world.Db.ExecuteAsync($"UPDATE learners SET display_name = '{name}', joined_utc = '2026-12-01 00:00:00' WHERE chat_id = {member}");
        }

        // Received means Telegram's answer is recorded (sent_utc), which trails the message itself.
        await world.OutboxDrainedAsync();
        var shared = new List<long>();
        foreach (var member in new[] { Ann, Dee })
        {
            await world.Learner(member).SendAsync($"Today's insight of {member} <script>alert(1)</script>");
            var id = await world.Db.ScalarAsync<long>($"SELECT MAX(id) FROM reflections WHERE chat_id = {member}");
            await world.Db.ExecuteAsync($"UPDATE reflections SET shared_utc = '2026-12-07 02:00:00' WHERE id = {id}");
            shared.Add(id);
        }

        var annOn4th = 0L;
        foreach (var member in new[] { Ann, Bo, Cy })
        {
            foreach (var day in new[] { 4, 5, 6 })
            {
                var delivery = await world.Db.AddDeliveryAsync(member, $"2026-12-0{day}");
                await world.Db.ExecuteAsync($"UPDATE deliveries SET group_id = {a} WHERE id = {delivery}");
                if (member == Ann || (member == Bo && day == 4))
                {
                    await world.Db.AddReflectionAsync(member, delivery);
                    await world.Db.ExecuteAsync($"UPDATE reflections SET group_id = {a}, made_up = {(day == 6 ? 1 : 0)} WHERE delivery_id = {delivery}");
                    if (member == Ann && day == 4)
                    {
                        annOn4th = await world.Db.ScalarAsync<long>($"SELECT id FROM reflections WHERE delivery_id = {delivery}");
                    }
                }
            }
        }

        return new Course(world, a, b, shared[0], annOn4th, shared[1]);
    }

    private static Task<(HttpResponseMessage Response, JsonNode? Json)> PostAsync(WebAppClient client, string path, object body, bool withCsrf = true) =>
        client.SendAsync(HttpMethod.Post, path, body, withCsrf);

    private static List<string> Names(JsonNode? list, string field = "name") => [.. list!.AsArray().Select(n => n![field]!.GetValue<string>())];

    [Fact]
    public async Task The_dashboard_shows_the_members_by_days_the_daily_completion_and_who_has_not_answered_today()
    {
        await using var course = await CourseAsync();
        using var organizer = WebAppClient.InTelegram(course.World, OrganizerA);

        var (response, dashboard) = await organizer.GetAsync($"/app/api/groups/{course.A}/dashboard?from=2026-12-04&to=2026-12-07");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Branch A", dashboard!["group"]!["name"]!.GetValue<string>());
        Assert.Equal("2026-12-07", dashboard["today"]!.GetValue<string>());
        var members = dashboard["members"]!.AsArray();
        Assert.Equal(["Ann", "Bo", "Cy"], Names(members));
        Assert.Equal(["oomo", "oxx.", "xxx."], members.Select(m => m!["marks"]!.GetValue<string>()));
        Assert.Equal((3, 1, 0), (members[0]!["onTime"]!.GetValue<int>(), members[0]!["madeUp"]!.GetValue<int>(), members[0]!["missed"]!.GetValue<int>()));
        var completion = dashboard["completion"]!.AsArray().Select(d => (d!["date"]!.GetValue<string>(), d["due"]!.GetValue<int>(), d["answered"]!.GetValue<int>()));
        Assert.Equal([("2026-12-04", 3, 2), ("2026-12-05", 3, 1), ("2026-12-06", 3, 1), ("2026-12-07", 1, 1)], completion);
        Assert.Equal(["Bo", "Cy"], Names(dashboard["unanswered"]));
        Assert.All(dashboard["unanswered"]!.AsArray(), m => Assert.False(m!["nudged"]!.GetValue<bool>()));

        // Without dates: the course from its start to today; an owner opens any group.
        using var owner = WebAppClient.InTelegram(course.World, TestWorld.AdminId);
        var (_, whole) = await owner.GetAsync($"/app/api/groups/{course.A}/dashboard");
        Assert.Equal(("2026-12-03", "2026-12-07"), (whole!["from"]!.GetValue<string>(), whole["to"]!.GetValue<string>()));
        Assert.Equal("xoomo", whole["members"]![0]!["marks"]!.GetValue<string>());

        foreach (var bad in new[] { "from=2026-12-08&to=2026-12-01", "from=yesterday", "from=2025-01-01&to=2026-12-07" })
        {
            var (refused, error) = await organizer.GetAsync($"/app/api/groups/{course.A}/dashboard?{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.NotNull(error?["error"]);
        }
    }

    // The dashboard is computed once for all who ask and kept a little while (DashboardSnapshots):
    // past FreshFor the kept one is still shown while it is recomputed; past ShownWhileRefreshing
    // the request waits for the new one.
    [Fact]
    public async Task An_answer_shows_on_the_dashboard_once_the_kept_one_is_recomputed()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);
        var path = $"/app/api/groups/{course.A}/dashboard?from=2026-12-04&to=2026-12-07";
        Assert.Contains("Cy", Names((await organizer.GetAsync(path)).Json!["unanswered"]));

        await world.Learner(Cy).SendAsync("Cy's first answer");
        world.Clock.Advance(DashboardSnapshots.FreshFor);

        // The first request after FreshFor starts the recomputation; a later one gets its result.
        JsonNode? dashboard = null;
        for (var attempt = 0; attempt < 100 && (dashboard is null || Names(dashboard["unanswered"]).Contains("Cy")); attempt++)
        {
            dashboard = (await organizer.GetAsync(path)).Json;
            await Task.Delay(50);
        }

        Assert.Equal(["Bo"], Names(dashboard!["unanswered"]));
        Assert.Equal("xxxo", dashboard["members"]![2]!["marks"]!.GetValue<string>());
        Assert.Equal(2, dashboard["completion"]![3]!["answered"]!.GetValue<int>());

        // Bo answers while nobody looks; the first request a minute later waits and shows it.
        await world.Learner(Bo).SendAsync("Bo's answer at last");
        world.Clock.Advance(DashboardSnapshots.ShownWhileRefreshing);
        Assert.Empty(Names((await organizer.GetAsync(path)).Json!["unanswered"]));
    }

    // Ranges are the caller's to choose: a group keeps a few, the least recently read let go first.
    [Fact]
    public async Task A_group_keeps_its_four_latest_ranges_and_computes_an_older_one_afresh()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);
        var ranges = Enumerable.Range(1, 5).Select(day => $"/app/api/groups/{course.A}/dashboard?from=2026-12-0{day}&to=2026-12-07").ToList();
        foreach (var range in ranges)
        {
            Assert.Contains("Cy", Names((await organizer.GetAsync(range)).Json!["unanswered"]));
        }

        await world.Learner(Cy).SendAsync("Cy's first answer");

        Assert.Contains("Cy", Names((await organizer.GetAsync(ranges[4])).Json!["unanswered"]));
        Assert.DoesNotContain("Cy", Names((await organizer.GetAsync(ranges[0])).Json!["unanswered"]));
    }

    [Fact]
    public async Task A_client_that_accepts_gzip_gets_the_same_dashboard_compressed()
    {
        await using var course = await CourseAsync();
        using var organizer = WebAppClient.InTelegram(course.World, OrganizerA);
        var path = $"/app/api/groups/{course.A}/dashboard";

        var (plain, plainBody) = await organizer.GetBytesAsync(path, "identity");
        var (compressed, compressedBody) = await organizer.GetBytesAsync(path, "br;q=1.0, gzip;q=0.8");

        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(["gzip"], compressed.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
        using var unzipped = new MemoryStream();
        await new GZipStream(new MemoryStream(compressedBody), CompressionMode.Decompress).CopyToAsync(unzipped);
        Assert.Equal(plainBody, unzipped.ToArray());
        Assert.Contains("\"marks\":\"xoomo\"", Encoding.UTF8.GetString(plainBody), StringComparison.Ordinal);
        Assert.True(compressedBody.Length < plainBody.Length);

        // gzip refused by name is not given for `*`.
        Assert.Empty((await organizer.GetBytesAsync(path, "gzip;q=0, *")).Response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task The_groups_switcher_lists_an_organizers_own_groups_and_every_group_for_an_owner()
    {
        await using var course = await CourseAsync();
        using var organizer = WebAppClient.InTelegram(course.World, OrganizerA);
        using var owner = WebAppClient.InTelegram(course.World, TestWorld.AdminId);

        Assert.Equal(["Branch A"], Names((await organizer.GetAsync("/app/api/groups")).Json!["groups"]));
        var all = Names((await owner.GetAsync("/app/api/groups")).Json!["groups"]);
        Assert.Contains("Branch A", all);
        Assert.Contains("Branch B", all);
    }

    [Fact]
    public async Task Nudge_reaches_exactly_the_two_who_have_not_answered_and_a_second_nudge_the_same_day_sends_nothing()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);
        var (_, before) = await organizer.GetAsync($"/app/api/groups/{course.A}/dashboard");
        Assert.All(before!["unanswered"]!.AsArray(), m => Assert.False(m!["nudged"]!.GetValue<bool>()));

        var (response, result) = await PostAsync(organizer, $"/app/api/groups/{course.A}/nudge", new { });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, result!["nudged"]!.GetValue<int>());
        foreach (var member in new[] { Bo, Cy })
        {
            await world.Api.WaitForMessageAsync(member, m => m.Text.StartsWith('⏰'));
        }

        Assert.Equal(1, await world.Db.CountAsync("audit", $"action = 'remind' AND user_id = {OrganizerA} AND details = 'group #{course.A}: 2 nudged'"));
        var (_, dashboard) = await organizer.GetAsync($"/app/api/groups/{course.A}/dashboard");
        Assert.All(dashboard!["unanswered"]!.AsArray(), m => Assert.True(m!["nudged"]!.GetValue<bool>()));

        var (_, again) = await PostAsync(organizer, $"/app/api/groups/{course.A}/nudge", new { memberIds = new[] { Bo, Cy } });
        Assert.Equal(0, again!["nudged"]!.GetValue<int>());
        await world.OutboxDrainedAsync();
        Assert.Equal(2, await world.Db.CountAsync("outbox", "kind = 'reminder'"));
        foreach (var member in new[] { Ann, Dee })
        {
            Assert.DoesNotContain(world.Api.SentTo(member), m => m.Text.StartsWith('⏰'));
        }
    }

    [Fact]
    public async Task A_nudge_naming_members_reaches_only_those_of_them_who_have_not_answered()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);

        var (_, result) = await PostAsync(organizer, $"/app/api/groups/{course.A}/nudge", new { memberIds = new[] { Ann, Bo, Dee } });

        Assert.Equal(1, result!["nudged"]!.GetValue<int>());
        await world.Api.WaitForMessageAsync(Bo, m => m.Text.StartsWith('⏰'));
        await world.OutboxDrainedAsync();
        Assert.Equal([Bo], await world.Db.QueryAsync<long>("SELECT chat_id FROM reminders"));
    }

    [Fact]
    public async Task Feature_and_comment_on_the_web_wall_reach_the_author_as_from_wall()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        using var organizer = WebAppClient.InTelegram(world, OrganizerA);
        var wallPath = $"/app/api/groups/{course.A}/wall";

        var (_, wall) = await organizer.GetAsync(wallPath);
        var entry = wall!["entries"]!.AsArray().Single()!;
        Assert.Equal((course.AnnToday, "Ann"), (entry["id"]!.GetValue<long>(), entry["author"]!.GetValue<string>()));
        Assert.Equal($"Today's insight of {Ann} <script>alert(1)</script>", entry["text"]!.GetValue<string>());
        Assert.False(entry["featured"]!.GetValue<bool>());
        Assert.Empty((await organizer.GetAsync(wallPath + "?day=2026-12-04")).Json!["entries"]!.AsArray());

        var (featured, first) = await PostAsync(organizer, $"{wallPath}/{course.AnnToday}/feature", new { });
        Assert.Equal(HttpStatusCode.OK, featured.StatusCode);
        Assert.True(first!["first"]!.GetValue<bool>());
        await world.Api.WaitForMessageAsync(Ann, m => m.Text.Contains("精选", StringComparison.Ordinal));
        Assert.False((await PostAsync(organizer, $"{wallPath}/{course.AnnToday}/feature", new { })).Json!["first"]!.GetValue<bool>());

        var (commented, _) = await PostAsync(organizer, $"{wallPath}/{course.AnnToday}/comment", new { text = "  Well said <b>really</b>  " });
        Assert.Equal(HttpStatusCode.NoContent, commented.StatusCode);
        var notice = await world.Api.WaitForMessageAsync(Ann, m => m.Text.Contains("Well said <b>really</b>", StringComparison.Ordinal));
        Assert.Contains("Today's insight of", notice.Text, StringComparison.Ordinal);
        entry = (await organizer.GetAsync(wallPath)).Json!["entries"]![0]!;
        Assert.True(entry["featured"]!.GetValue<bool>());
        Assert.Equal(["Well said <b>really</b>"], entry["comments"]!.AsArray().Select(c => c!.GetValue<string>()));

        foreach (var bad in new object[] { new { text = "  " }, new { text = new string('x', 3001) }, new { } })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(organizer, $"{wallPath}/{course.AnnToday}/comment", bad)).Response.StatusCode);
        }

        // Not shared, or shared in another group: as if it did not exist.
        foreach (var other in new[] { course.AnnOn4th, course.DeeToday })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(organizer, $"{wallPath}/{other}/feature", new { })).Response.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(organizer, $"{wallPath}/{other}/comment", new { text = "Hi" })).Response.StatusCode);
        }

        Assert.Equal(1, await world.Db.CountAsync("comments"));
        Assert.Equal(1, await world.Db.CountAsync("reflections", "featured_utc IS NOT NULL"));
        Assert.Equal(1, await world.Db.CountAsync("audit", $"action = 'wall.feature' AND user_id = {OrganizerA}"));
    }

    [Fact]
    public async Task Every_group_route_refuses_another_groups_organizer_a_learner_and_nobody_and_changes_nothing()
    {
        await using var course = await CourseAsync();
        var world = course.World;
        var group = $"/app/api/groups/{course.A}";
        (HttpMethod Method, string Path, object? Body)[] routes =
        [
            (HttpMethod.Get, $"{group}/dashboard", null),
            (HttpMethod.Post, $"{group}/nudge", new { }),
            (HttpMethod.Get, $"{group}/wall?day=2026-12-07", null),
            (HttpMethod.Post, $"{group}/wall/{course.AnnToday}/feature", new { }),
            (HttpMethod.Post, $"{group}/wall/{course.AnnToday}/comment", new { text = "Taken over" }),
        ];
        using var otherOrganizer = WebAppClient.InTelegram(world, OrganizerB);
        using var learner = WebAppClient.InTelegram(world, Cy);
        using var nobody = new WebAppClient(world.BotUrl);

        foreach (var (method, path, body) in routes)
        {
            foreach (var (client, status) in new[] { (otherOrganizer, HttpStatusCode.NotFound), (learner, HttpStatusCode.NotFound), (nobody, HttpStatusCode.Unauthorized) })
            {
                var (response, json) = await client.SendAsync(method, path, body);
                Assert.Equal(status, response.StatusCode);
                Assert.DoesNotContain("Ann", json?.ToJsonString() ?? "", StringComparison.Ordinal);
            }
        }

        // Group B's organizer reaches A's reflection through their own group neither.
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(otherOrganizer, $"/app/api/groups/{course.B}/wall/{course.AnnToday}/feature", new { })).Response.StatusCode);
        Assert.Equal(["Branch B"], Names((await otherOrganizer.GetAsync("/app/api/groups")).Json!["groups"]));
        Assert.Equal(HttpStatusCode.Forbidden, (await learner.GetAsync("/app/api/groups")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await nobody.GetAsync("/app/api/groups")).Response.StatusCode);

        // The group's own organizer in a browser: reads as usual, changes only with the CSRF token.
        using var browser = await WebAppClient.InBrowserAsync(world, world.Learner(OrganizerA));
        var before = world.Api.AllSent.Count;
        foreach (var (method, path, body) in routes)
        {
            var (response, _) = await browser.SendAsync(method, path, body, withCsrf: false);
            Assert.Equal(method == HttpMethod.Get ? HttpStatusCode.OK : HttpStatusCode.Forbidden, response.StatusCode);
        }

        await world.OutboxDrainedAsync();
        Assert.Equal(before, world.Api.AllSent.Count);
        Assert.Equal(0, await world.Db.CountAsync("reminders"));
        Assert.Equal(0, await world.Db.CountAsync("comments"));
        Assert.Equal(0, await world.Db.CountAsync("reflections", "featured_utc IS NOT NULL"));
        Assert.Equal(0, await world.Db.CountAsync("audit", "action IN ('remind', 'wall.feature')"));

        Assert.Equal(2, (await PostAsync(browser, $"{group}/nudge", new { })).Json!["nudged"]!.GetValue<int>());
    }
}

using System.Net;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
using StudyBot.Tests.Infrastructure;
using static StudyBot.Tests.Web.DashboardApiTests;

namespace StudyBot.Tests.Web;

// What an organizer downloads from the dashboard (the workbook of /report, the files of
// /exportall), and the download links that let the page inside Telegram, which can put no header on
// a link, hand any download to Telegram: one path, one minute, one use.
public sealed class DownloadsApiTests
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    // DashboardApiTests' course, and a client for each who asks: the learner Ann, the organizers
    // of groups A and B, and someone signed in nowhere (who opens the links).
    private sealed class Scene(Course course) : IAsyncDisposable
    {
        public Course Course => course;
        public TestWorld World => course.World;
        public string GroupA => $"/app/api/groups/{course.A}";
        public WebAppClient Learner { get; } = WebAppClient.InTelegram(course.World, Ann);
        public WebAppClient Organizer { get; } = WebAppClient.InTelegram(course.World, OrganizerA);
        public WebAppClient OtherOrganizer { get; } = WebAppClient.InTelegram(course.World, OrganizerB);
        public WebAppClient Nobody { get; } = new(course.World.BotUrl);

        public static async Task<Scene> StartAsync(string? tempFolder = null) => new(await CourseAsync(tempFolder));

        public async ValueTask DisposeAsync()
        {
            foreach (var client in new[] { Learner, Organizer, OtherOrganizer, Nobody })
            {
                client.Dispose();
            }

            await course.DisposeAsync();
        }
    }

    private static string FileNameOf(HttpResponseMessage response)
    {
        var disposition = response.Content.Headers.ContentDisposition;
        Assert.Equal("attachment", disposition?.DispositionType);
        return disposition!.FileName!.Trim('"');
    }

    // The sheet's rows as text, from the second (the first is the header).
    private static List<string[]> Rows(byte[] xlsx, int sheet = 0)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        Assert.Empty(new OpenXmlValidator().Validate(document));
        var workbook = document.WorkbookPart!;
        var part = (WorksheetPart)workbook.GetPartById(workbook.Workbook!.Sheets!.Elements<Sheet>().ElementAt(sheet).Id!);
        return [.. part.Worksheet!.Descendants<Row>().Skip(1).Select(r => r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "").ToArray())];
    }

    private static async Task<(HttpResponseMessage Response, byte[] Body)> DownloadAsync(WebAppClient client, string path)
    {
        var (response, _) = await client.GetAsync(path);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    // A download link as the page asks for one; the url's path and query, to GET from the bot.
    private static async Task<(HttpResponseMessage Response, string? Link)> LinkAsync(WebAppClient client, string path)
    {
        var (response, json) = await client.SendAsync(HttpMethod.Post, "/app/api/downloads", new { path });
        var url = json?["url"]?.GetValue<string>();
        if (url is not null)
        {
            Assert.StartsWith(WebAppClient.PublicUrl + path["/app/".Length..], url, StringComparison.Ordinal);
            Assert.Equal(60, json!["expiresInSeconds"]!.GetValue<int>());
        }

        return (response, url is null ? null : new Uri(url).PathAndQuery);
    }

    [Fact]
    public async Task The_report_download_is_the_workbook_of_report_for_the_range_and_leaves_no_file_behind()
    {
        var folder = Directory.CreateTempSubdirectory("studybot-report-").FullName;
        await using var scene = await Scene.StartAsync(folder);

        var (response, body) = await DownloadAsync(scene.Organizer, $"{scene.GroupA}/report.xlsx?from=2026-12-04&to=2026-12-06");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Xlsx, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("participation_2026-12-04_2026-12-06.xlsx", FileNameOf(response));
        Assert.Equal(["Ann", "Bo", "Cy"], Rows(body).Select(r => r[0]));
        Assert.Equal(["Ann", "按时", "按时", "补卡"], Rows(body, 1)[0]);
        Assert.Equal(1, await scene.World.Db.CountAsync("audit", $"action = 'report' AND user_id = {OrganizerA} AND details = '#{scene.Course.A} 2026-12-04..2026-12-06: 3 members'"));

        // Without dates: the course from its start to today, as /report and the dashboard.
        var (whole, _) = await DownloadAsync(scene.Organizer, $"{scene.GroupA}/report.xlsx");
        Assert.Equal("participation_2026-12-03_2026-12-07.xlsx", FileNameOf(whole));

        await TestWorld.EventuallyAsync(() => Task.FromResult(!Directory.EnumerateFileSystemEntries(folder).Any()), "the report's files are deleted");
        Directory.Delete(folder);
    }

    [Fact]
    public async Task The_export_download_is_the_groups_reflections_as_exportall_writes_them_and_leaves_no_file_behind()
    {
        var folder = Directory.CreateTempSubdirectory("studybot-export-").FullName;
        await using var scene = await Scene.StartAsync(folder);
        var group = scene.GroupA;

        var (xlsxResponse, xlsx) = await DownloadAsync(scene.Organizer, $"{group}/export.xlsx?from=2026-12-04&to=2026-12-05");
        var (csvResponse, csv) = await DownloadAsync(scene.Organizer, $"{group}/export.csv?from=2026-12-04&to=2026-12-05");

        Assert.Equal(HttpStatusCode.OK, xlsxResponse.StatusCode);
        Assert.Equal("reflections_2026-12-04_2026-12-05.xlsx", FileNameOf(xlsxResponse));
        Assert.Equal("reflections_2026-12-04_2026-12-05.csv", FileNameOf(csvResponse));
        Assert.Equal([("Ann", "2026-12-04"), ("Bo", "2026-12-04"), ("Ann", "2026-12-05")], Rows(xlsx).Select(r => (r[0], r[1])));
        Assert.Equal(Encoding.UTF8.GetPreamble(), csv[..3]);
        Assert.Equal(4, Encoding.UTF8.GetString(csv).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // Without dates: everything of the group, Dee's of the other group not among it.
        var (_, all) = await DownloadAsync(scene.Organizer, $"{group}/export.xlsx");
        var authors = Rows(all).Select(r => r[0]).ToList();
        Assert.Equal(5, authors.Count);
        Assert.DoesNotContain("Dee", authors);

        var (empty, error) = await scene.Organizer.GetAsync($"{group}/export.csv?from=2025-01-01&to=2025-01-31");
        Assert.Equal(HttpStatusCode.NotFound, empty.StatusCode);
        Assert.NotNull(error?["error"]);
        Assert.Equal(4, await scene.World.Db.CountAsync("audit", $"action = 'exportall' AND user_id = {OrganizerA} AND details LIKE 'group #{scene.Course.A} %'"));

        await TestWorld.EventuallyAsync(() => Task.FromResult(!Directory.EnumerateFileSystemEntries(folder).Any()), "the export's files are deleted");
        Directory.Delete(folder);
    }

    [Fact]
    public async Task The_report_and_export_refuse_another_groups_organizer_a_learner_nobody_and_bad_ranges()
    {
        await using var scene = await Scene.StartAsync();

        foreach (var route in new[] { "report.xlsx", "export.xlsx", "export.csv" })
        {
            foreach (var (client, status) in new[] { (scene.OtherOrganizer, HttpStatusCode.NotFound), (scene.Learner, HttpStatusCode.NotFound), (scene.Nobody, HttpStatusCode.Unauthorized) })
            {
                var (response, body) = await DownloadAsync(client, $"{scene.GroupA}/{route}");
                Assert.Equal(status, response.StatusCode);
                Assert.DoesNotContain("Ann", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
            }

            foreach (var bad in new[] { "from=2026-12-08&to=2026-12-01", "from=yesterday", "to=2026-13-01" })
            {
                var (refused, error) = await scene.Organizer.GetAsync($"{scene.GroupA}/{route}?{bad}");
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
                Assert.NotNull(error?["error"]);
            }
        }

        // The report's range is at most a year, as /report's.
        Assert.Equal(HttpStatusCode.BadRequest, (await scene.Organizer.GetAsync($"{scene.GroupA}/report.xlsx?from=2025-01-01&to=2026-12-07")).Response.StatusCode);
        Assert.Equal(0, await scene.World.Db.CountAsync("audit", "action IN ('report', 'exportall')"));
    }

    [Fact]
    public async Task A_download_link_serves_its_one_file_once_to_whoever_opens_it_without_signing_in()
    {
        await using var scene = await Scene.StartAsync();
        var direct = await DownloadAsync(scene.Learner, "/app/api/summary.md");

        var (issued, link) = await LinkAsync(scene.Learner, "/app/api/summary.md");
        var (response, body) = await DownloadAsync(scene.Nobody, link!);

        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FileNameOf(direct.Response), FileNameOf(response));
        Assert.Equal(direct.Body, body);
        Assert.Equal(HttpStatusCode.Unauthorized, (await scene.Nobody.GetAsync(link!)).Response.StatusCode);

        // The organizer's report with its range: the range is part of what the link is for.
        var (_, report) = await LinkAsync(scene.Organizer, $"{scene.GroupA}/report.xlsx?from=2026-12-04&to=2026-12-06");
        var (reportResponse, workbook) = await DownloadAsync(scene.Nobody, report!);
        Assert.Equal("participation_2026-12-04_2026-12-06.xlsx", FileNameOf(reportResponse));
        Assert.Equal(["Ann", "Bo", "Cy"], Rows(workbook).Select(r => r[0]));
        Assert.Equal(0, await scene.World.Db.CountAsync("download_links"));
    }

    [Fact]
    public async Task A_download_link_is_refused_for_a_path_the_user_may_not_reach_or_that_is_no_download()
    {
        await using var scene = await Scene.StartAsync();
        var report = $"{scene.GroupA}/report.xlsx";

        Assert.Equal(HttpStatusCode.NotFound, (await LinkAsync(scene.Learner, report)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await LinkAsync(scene.OtherOrganizer, report + "?from=2026-12-04")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await LinkAsync(scene.OtherOrganizer, $"{scene.GroupA}/export.csv")).Response.StatusCode);
        foreach (var notADownload in new[] { "/app/api/me", "/app/api/journal?q=x", $"{scene.GroupA}/dashboard", "/app/api/summary.pdf", "https://evil.example/app/api/summary.md", "/app/index.html", "", new string('a', 600) })
        {
            var (refused, _) = await LinkAsync(scene.Learner, notADownload);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await LinkAsync(scene.Nobody, "/app/api/summary.md")).Response.StatusCode);

        // A browser asks with its CSRF token, as for every change.
        using var browser = await WebAppClient.InBrowserAsync(scene.World, scene.World.Learner(Ann));
        var (withoutCsrf, _) = await browser.SendAsync(HttpMethod.Post, "/app/api/downloads", new { path = "/app/api/summary.md" }, withCsrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, withoutCsrf.StatusCode);
        Assert.Equal(0, await scene.World.Db.CountAsync("download_links"));
        Assert.Equal(HttpStatusCode.OK, (await LinkAsync(browser, "/app/api/summary.md")).Response.StatusCode);
    }

    [Fact]
    public async Task A_download_link_is_good_for_sixty_seconds_of_the_clock()
    {
        await using var scene = await Scene.StartAsync();
        var (_, early) = await LinkAsync(scene.Learner, "/app/api/summary.md");
        var (_, late) = await LinkAsync(scene.Learner, "/app/api/summary.docx");

        scene.World.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(HttpStatusCode.OK, (await scene.Nobody.GetAsync(early!)).Response.StatusCode);

        scene.World.Clock.Advance(TimeSpan.FromSeconds(1));
        var (expired, error) = await scene.Nobody.GetAsync(late!);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.NotNull(error?["error"]);
    }

    [Fact]
    public async Task A_forged_link_or_one_used_for_another_path_is_refused()
    {
        await using var scene = await Scene.StartAsync();
        var link = (await LinkAsync(scene.Learner, "/app/api/summary.md")).Link!;
        var token = link[(link.IndexOf("download=", StringComparison.Ordinal) + "download=".Length)..];

        foreach (var forged in new[] { "/app/api/summary.md?download=" + new string('A', 43), "/app/api/summary.md?download=", "/app/api/summary.docx?download=" + token, "/app/api/journal?download=" + token, "/app/api/me?download=" + token, $"/app/api/summary.md?download={token}&download={token}" })
        {
            var (refused, body) = await scene.Nobody.GetAsync(forged);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.DoesNotContain("Ann", body?.ToJsonString() ?? "", StringComparison.Ordinal);
        }

        // Signed in as well, the link still decides alone; and for its own path it still works.
        Assert.Equal(HttpStatusCode.Unauthorized, (await scene.Learner.GetAsync("/app/api/summary.md?download=forged")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await scene.Nobody.GetAsync(link)).Response.StatusCode);
    }

    [Fact]
    public async Task An_organizer_removed_from_the_group_after_taking_a_link_gets_404_from_it()
    {
        await using var scene = await Scene.StartAsync();
        var (_, link) = await LinkAsync(scene.Organizer, $"{scene.GroupA}/report.xlsx");

        await scene.World.Db.ExecuteAsync($"DELETE FROM group_organizers WHERE user_id = {OrganizerA}");
        var (response, body) = await DownloadAsync(scene.Nobody, link!);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("Ann", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        Assert.Equal(0, await scene.World.Db.CountAsync("audit", "action = 'report'"));
    }
}

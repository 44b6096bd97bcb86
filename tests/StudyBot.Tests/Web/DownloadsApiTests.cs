using System.Net;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
using StudyBot.Tests.Infrastructure;
using static StudyBot.Tests.Web.DashboardApiTests;

namespace StudyBot.Tests.Web;

// What an organizer downloads from the dashboard: the workbook of /report, the files of /exportall.
public sealed class DownloadsApiTests
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    // DashboardApiTests' course, and a client for each who asks: the learner Ann, the organizers
    // of groups A and B, and someone signed in nowhere.
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
}

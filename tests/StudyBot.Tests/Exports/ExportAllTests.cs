using System.Globalization;
using System.Text;
using CsvHelper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
using StudyBot.Exports;
using StudyBot.FakeBotApi;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Exports;

public sealed class ExportAllTests
{
    private const long Admin = 900;
    private const string Quote = "衙斋卧听萧萧竹，疑是民间疾苦声。";
    private const string Tricky = "第一, \"引号\" 和\n换行";
    private static readonly string[] ChineseHeader = ["学员", "日期", "主题", "名句", "感想"];

    // Three learners' reflections on 2026-12-01 .. 2026-12-05; one prompt of the 4th is unanswered.
    private static async Task SeedAsync(TestDatabase db)
    {
        await db.AddLearnerAsync(1, "张三");
        await db.AddLearnerAsync(2, "Ann Lee", language: "en");
        await db.AddLearnerAsync(3, "Bo", status: "stopped");

        await db.AddReflectionAsync(1, await db.AddDeliveryAsync(1, "2026-12-01", theme: "为民之道", quote: Quote), "十二月一日");
        await db.AddReflectionAsync(1, await db.AddDeliveryAsync(1, "2026-12-02", theme: "为民之道", quote: Quote), Tricky);
        await db.AddReflectionAsync(2, await db.AddDeliveryAsync(2, "2026-12-02", theme: "为民之道", quote: Quote), "=1+1 is not a formula");
        var third = await db.AddDeliveryAsync(2, "2026-12-03", theme: "Learning", quote: "Learning never exhausts the mind.");
        await db.AddReflectionAsync(2, third, "first");
        await db.AddReflectionAsync(2, third, "second");
        await db.AddDeliveryAsync(1, "2026-12-04");
        await db.AddReflectionAsync(3, await db.AddDeliveryAsync(3, "2026-12-04", theme: "修身", quote: "吾日三省吾身"), "Bo's note");
        await db.AddReflectionAsync(1, await db.AddDeliveryAsync(1, "2026-12-05", theme: "修身", quote: "吾日三省吾身"), "十二月五日");
    }

    private static async Task<(SentMessage Csv, SentMessage Xlsx)> ExportAsync(TestWorld world, string command)
    {
        var before = world.Api.SentTo(Admin).Count(m => m.Method == "sendDocument");
        world.Api.UserSends(Admin, command);
        var csv = await world.Api.WaitForMessageAsync(Admin, m => m.Method == "sendDocument", skip: before);
        var xlsx = await world.Api.WaitForMessageAsync(Admin, m => m.Method == "sendDocument", skip: before + 1);
        return (csv, xlsx);
    }

    private static List<string[]> ReadCsv(byte[] bytes)
    {
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8);
        using var parser = new CsvParser(reader, CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (parser.Read())
        {
            rows.Add(parser.Record!);
        }

        return rows;
    }

    private static List<string[]> ReadXlsx(byte[] bytes)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), isEditable: false);
        Assert.Empty(new OpenXmlValidator().Validate(document));
        var workbook = document.WorkbookPart!;
        var sheet = Assert.Single(workbook.Workbook.Sheets!.Elements<Sheet>());
        Assert.Equal("感想", sheet.Name!.Value);
        var worksheet = (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
        return worksheet.Worksheet.GetFirstChild<SheetData>()!.Elements<Row>()
            .Select(row => row.Elements<Cell>().Select(cell => cell.InlineString?.InnerText ?? "").ToArray())
            .ToList();
    }

    [Fact]
    public async Task Exportall_sends_the_reflections_of_the_date_range_as_csv_and_xlsx_with_learner_date_theme_quotation_and_text()
    {
        await using var world = await TestWorld.StartAsync();
        await SeedAsync(world.Db);

        var (csv, xlsx) = await ExportAsync(world, "/exportall 2026-12-02 2026-12-04");

        Assert.Equal("reflections_2026-12-02_2026-12-04.csv", csv.FileName);
        Assert.Equal("reflections_2026-12-02_2026-12-04.xlsx", xlsx.FileName);
        Assert.Equal("3 位学员的 5 条感想，2026-12-02 至 2026-12-04", csv.Caption);
        string[][] expected =
        [
            ChineseHeader,
            ["Ann Lee", "2026-12-02", "为民之道", Quote, "=1+1 is not a formula"],
            ["张三", "2026-12-02", "为民之道", Quote, Tricky],
            ["Ann Lee", "2026-12-03", "Learning", "Learning never exhausts the mind.", "first"],
            ["Ann Lee", "2026-12-03", "Learning", "Learning never exhausts the mind.", "second"],
            ["Bo", "2026-12-04", "修身", "吾日三省吾身", "Bo's note"],
        ];
        Assert.Equal(expected, ReadXlsx(xlsx.FileContent!));

        // A spreadsheet would run a CSV cell that starts with '=' as a formula: it is escaped there.
        expected[1][4] = "'=1+1 is not a formula";
        Assert.Equal(expected, ReadCsv(csv.FileContent!));
        Assert.Equal(2, world.Api.SentTo(Admin).Count);
    }

    [Fact]
    public async Task Exportall_without_dates_sends_everything_and_with_only_FROM_the_days_from_then_on()
    {
        await using var world = await TestWorld.StartAsync();
        await SeedAsync(world.Db);

        var (allCsv, allXlsx) = await ExportAsync(world, "/exportall");
        var (fromCsv, fromXlsx) = await ExportAsync(world, "/exportall 2026-12-04");

        Assert.Equal("reflections_2026-12-01_2026-12-05.csv", allCsv.FileName);
        Assert.Equal(8, ReadCsv(allCsv.FileContent!).Count);
        Assert.Equal(8, ReadXlsx(allXlsx.FileContent!).Count);
        Assert.Equal(new[] { "Bo's note", "十二月五日" }, ReadXlsx(fromXlsx.FileContent!).Skip(1).Select(r => r[4]));
        Assert.Equal(new[] { "Bo's note", "十二月五日" }, ReadCsv(fromCsv.FileContent!).Skip(1).Select(r => r[4]));
    }

    [Fact]
    public async Task Bad_dates_or_FROM_after_TO_get_a_one_line_usage_and_nothing_is_sent()
    {
        await using var world = await TestWorld.StartAsync();
        await SeedAsync(world.Db);
        var admin = world.Learner(Admin);

        foreach (var command in new[] { "/exportall 2026-13-01", "/exportall 2026-12-05 2026-12-01", "/exportall yesterday", "/exportall 2026-12-1", "/exportall 2026-12-01 2026-12-02 2026-12-03" })
        {
            var reply = await admin.SendAsync(command);
            Assert.Contains("/exportall", reply.Text, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', reply.Text);
        }

        Assert.All(world.Api.SentTo(Admin), m => Assert.Equal("sendMessage", m.Method));
        Assert.Equal(0, await world.Db.CountAsync("audit"));
    }

    [Fact]
    public async Task A_range_without_reflections_says_so_and_sends_no_document()
    {
        await using var world = await TestWorld.StartAsync();
        await SeedAsync(world.Db);

        var reply = await world.Learner(Admin).SendAsync("/exportall 2025-01-01 2025-01-31");

        Assert.Equal("该日期范围内没有感想。", reply.Text);
        await world.Learner(Admin).AssertNothingMoreAsync(1);
    }

    [Fact]
    public async Task A_large_export_arrives_whole_and_leaves_no_file_behind()
    {
        var folder = Path.Combine(Path.GetTempPath(), "studybot-tests", "export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using var world = await TestWorld.StartAsync(settings: s => s["Bot:TempFolder"] = folder);
        await world.Db.AddLearnerAsync(1, "张三");
        await world.Db.AddLearnerAsync(2, "Ann Lee", language: "en");
        await world.Db.AddReflectionsAsync(1, await world.Db.AddDeliveryAsync(1, "2026-12-01"), 2500);
        await world.Db.AddReflectionsAsync(2, await world.Db.AddDeliveryAsync(2, "2026-12-03"), 1500);

        var (csv, xlsx) = await ExportAsync(world, "/exportall");

        Assert.Equal("2 位学员的 4000 条感想，2026-12-01 至 2026-12-03", csv.Caption);
        Assert.Equal(csv.Caption, xlsx.Caption);
        var csvRows = ReadCsv(csv.FileContent!);
        var xlsxRows = ReadXlsx(xlsx.FileContent!);
        Assert.Equal(4001, csvRows.Count);
        Assert.Equal(csvRows, xlsxRows);
        Assert.Equal(4000, csvRows.Skip(1).Select(r => (r[0], r[4])).Distinct().Count());

        // The files go once both are sent, which the fake sees a moment before the bot does.
        await TestWorld.EventuallyAsync(() => Task.FromResult(!Directory.EnumerateFileSystemEntries(folder).Any()), "the export's files are deleted");
        Directory.Delete(folder);
    }

    [Theory]
    [InlineData("", "0001-01-01", "9999-12-31")]
    [InlineData("2026-12-01", "2026-12-01", "9999-12-31")]
    [InlineData("  2026-12-01   2026-12-31 ", "2026-12-01", "2026-12-31")]
    [InlineData("2026-12-01 2026-12-01", "2026-12-01", "2026-12-01")]
    public void Dates_are_parsed_as_an_inclusive_range(string arguments, string from, string to)
    {
        var range = ExportAllCommand.ParseRange(arguments);

        Assert.Equal(new DateRange(DateOnly.Parse(from, CultureInfo.InvariantCulture), DateOnly.Parse(to, CultureInfo.InvariantCulture)), range);
    }

    [Theory]
    [InlineData("2026-02-30")]
    [InlineData("01.12.2026")]
    [InlineData("2026-12-02 2026-12-01")]
    [InlineData("2026-12-01 to 2026-12-02")]
    public void Bad_dates_are_not_a_range(string arguments) =>
        Assert.Null(ExportAllCommand.ParseRange(arguments));
}

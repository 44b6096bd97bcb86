using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Reports;

public sealed class ReportTests
{
    private const long OrganizerA = 501;
    private const long OrganizerB = 502;

    // Group A: Ann answered the 4th and 5th on the day and made up the 6th; Bo answered only the 4th.
    private static async Task<TestWorld> GroupAsync()
    {
        var world = await TestWorld.StartAsync();
        foreach (var (name, organizer) in new[] { ("Branch A", OrganizerA), ("Branch B", OrganizerB) })
        {
            var created = await world.Learner(TestWorld.AdminId).SendAsync("/newgroup " + name);
            await world.Learner(organizer).SendAsync("/start o_" + Regex.Match(created.Text, "o_([a-z2-7]+)").Groups[1].Value);
        }

        var a = await world.Db.ScalarAsync<long>("SELECT id FROM study_groups WHERE name = 'Branch A'");
        await world.Db.ExecuteAsync($"UPDATE study_groups SET start_date = '2026-12-01' WHERE id = {a}");
        foreach (var (chat, name) in new[] { (11L, "Ann"), (12L, "Bo") })
        {
            await world.Db.AddLearnerAsync(chat, name);
            await world.Db.ExecuteAsync($"UPDATE learners SET group_id = {a}, joined_utc = '2026-12-01 00:00:00' WHERE chat_id = {chat}");
            foreach (var day in new[] { 4, 5, 6 })
            {
                var delivery = await world.Db.AddDeliveryAsync(chat, $"2026-12-0{day}");
                await world.Db.ExecuteAsync($"UPDATE deliveries SET group_id = {a} WHERE id = {delivery}");
                if (chat == 11 || day == 4)
                {
                    await world.Db.AddReflectionAsync(chat, delivery);
                    await world.Db.ExecuteAsync($"UPDATE reflections SET group_id = {a}, made_up = {(day == 6 ? 1 : 0)} WHERE delivery_id = {delivery}");
                }
            }
        }

        await world.Db.ExecuteAsync("UPDATE learners SET username = 'ann_reads' WHERE chat_id = 11");
        return world;
    }

    [Fact]
    public async Task The_report_counts_each_member_by_day_and_its_caption_gives_the_participation_rate()
    {
        await using var world = await GroupAsync();

        world.Api.UserSends(OrganizerA, "/report 2026-12-04 2026-12-06");
        var report = await world.Api.WaitForMessageAsync(OrganizerA, m => m.Method == "sendDocument");

        Assert.Equal("participation_2026-12-04_2026-12-06.xlsx", report.FileName);
        Assert.Contains("参学率 50%（2 名成员中 1 人", report.Caption, StringComparison.Ordinal);
        Assert.StartsWith("小组“Branch A”参学情况（2026-12-04 至 2026-12-06）", report.Caption, StringComparison.Ordinal);
        Assert.Contains("平均回复率 67%", report.Caption, StringComparison.Ordinal);

        using var workbook = SpreadsheetDocument.Open(new MemoryStream(report.FileContent!), false);
        Assert.Empty(new OpenXmlValidator().Validate(workbook));
        var sheets = workbook.WorkbookPart!.Workbook!.Sheets!.Elements<Sheet>().Select(s => (WorksheetPart)workbook.WorkbookPart.GetPartById(s.Id!)).ToList();
        Assert.Equal(3, sheets.Count);
        Assert.Equal(["Ann", "@ann_reads", "3", "2", "1", "0", "1", "0", "0", "0"], Row(sheets[0], 2));
        Assert.Equal(["Bo", "", "3", "1", "0", "2"], Row(sheets[0], 3).Take(6));
        Assert.Equal(["Ann", "按时", "按时", "补卡"], Row(sheets[1], 2));
        Assert.Equal(["Bo", "按时", "缺卡", "缺卡"], Row(sheets[1], 3));
        Assert.Single(sheets[2].DrawingsPart!.ImageParts);
    }

    [Fact]
    public async Task An_organizer_of_another_group_gets_only_their_own_groups_report()
    {
        await using var world = await GroupAsync();

        var reply = await world.Learner(OrganizerB).SendAsync("/report 2026-12-04 2026-12-06");

        Assert.Contains("Branch B", reply.Text, StringComparison.Ordinal);
        await world.UpdatesHandledAsync();
        Assert.DoesNotContain(world.Api.SentTo(OrganizerB), m => m.Method == "sendDocument");
        Assert.Contains("/report", (await world.Learner(OrganizerA).SendAsync("/report 2026-12-06 2026-12-04")).Text, StringComparison.Ordinal);
    }

    // A row's cells as text: inline strings as written, numbers as stored.
    private static List<string> Row(WorksheetPart sheet, int number) =>
        sheet.Worksheet!.Descendants<Row>().Single(r => r.RowIndex!.Value == number).Elements<Cell>()
            .Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "")
            .ToList();
}

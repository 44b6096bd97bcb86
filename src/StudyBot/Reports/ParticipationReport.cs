using Microsoft.Extensions.Options;
using StudyBot.Audit;
using StudyBot.Configuration;
using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Stats;

namespace StudyBot.Reports;

// The participation report's workbook, one way for /report in the chat and for the download of the
// web app's dashboard: the same members, labels, chart and file name. It is written to a file, not
// to memory, so a report of any group's size costs disk, not RAM; the caller hands the file over
// and deletes it (ReportFile).
internal sealed class ParticipationReport(GroupParticipation participation, StatsChart chart, AuditLog audit, Texts texts, IOptions<BotOptions> options)
{
    // The report's file while it is written and sent, in Bot:TempFolder or the system's temp folder.
    public const string TempFilePrefix = "studybot-report-";

    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    // Null for a group without members: there is nothing to report.
    public async Task<ReportFile?> WriteAsync(GroupCourse course, DateOnly from, DateOnly to, string language, CancellationToken cancellationToken)
    {
        var members = await participation.ComputeAsync(course, from, to, cancellationToken);
        if (members.Count == 0)
        {
            return null;
        }

        var path = Path.Combine(options.Value.TempFolderPath, TempFilePrefix + Guid.NewGuid().ToString("N") + ".xlsx");
        var file = new ReportFile(path, $"participation_{IsoDate.Format(from)}_{IsoDate.Format(to)}.xlsx", course.Group.Id, from, to, members);
        try
        {
            ReportWorkbook.Write(path, new ReportContent(from, to, members, Labels(language), RenderChart(members, from, to, language), StatsChart.Width, StatsChart.Height));
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    // After the file went to the organizer, whichever way.
    public Task RecordAsync(long userId, ReportFile file, CancellationToken cancellationToken) =>
        audit.WriteAsync(userId, AuditLog.Actions.Report, $"#{file.GroupId} {IsoDate.Format(file.From)}..{IsoDate.Format(file.To)}: {file.Members.Count} members", cancellationToken);

    private ReportLabels Labels(string language) => new(
        texts.Get(language, "ReportSheetMembers"),
        texts.Get(language, "ReportSheetDays"),
        texts.Get(language, "ReportSheetChart"),
        texts.Get(language, "ReportColumns").Split('|'),
        texts.Get(language, "ReportOnTime"),
        texts.Get(language, "ReportMadeUp"),
        texts.Get(language, "ReportMissed"),
        texts.Get(language, "ReportNoStudyDay"));

    // The daily completion: per day, members with a prompt and members who answered it. A report
    // without its chart (drawing failed) is still the report, its chart sheet left empty.
    private byte[]? RenderChart(IReadOnlyList<MemberParticipation> members, DateOnly from, DateOnly to, string language)
    {
        var days = Participation.DailyCompletion(members, from, to)
            .Select(d => new DayCounts { LocalDate = d.Date, Deliveries = d.Due, Answered = d.Answered, Reflections = d.Answered })
            .ToList();
        return chart.TryRender(days, new ChartLabels(texts.Get(language, "ReportChartTitle"), texts.Get(language, "ReportChartDue"), texts.Get(language, "ReportChartAnswered")));
    }
}

// A written report: its file on disk (deleted on Dispose), the name to give it, and what it counts.
internal sealed class ReportFile(string path, string fileName, long groupId, DateOnly from, DateOnly to, IReadOnlyList<MemberParticipation> members) : IDisposable
{
    public string Path => path;
    public string FileName => fileName;
    public long GroupId => groupId;
    public DateOnly From => from;
    public DateOnly To => to;
    public IReadOnlyList<MemberParticipation> Members => members;

    public void Dispose() => File.Delete(path);
}

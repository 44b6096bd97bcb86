using System.Globalization;
using Microsoft.Extensions.Options;
using StudyBot.Audit;
using StudyBot.Configuration;
using StudyBot.Exports;
using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Stats;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;

namespace StudyBot.Reports;

// /report [FROM [TO]]: the current group's participation report, an XLSX sent to the organizer's
// private chat. Without dates it covers the course from its start (or the last 30 days) to today.
// Its caption gives 参学率 (members who answered every study day of the range) and the average
// reply rate.
internal sealed class ReportCommand(
    GroupParticipation participation,
    GroupStore groups,
    GroupAccess access,
    GroupCourses courses,
    StatsChart chart,
    AuditLog audit,
    BotMessenger messenger,
    Texts texts,
    IOptions<BotOptions> options) : IBotCommand
{
    // The report's file while it is written and sent, in Bot:TempFolder or the system's temp folder.
    public const string TempFilePrefix = "studybot-report-";

    public string Name => "report";
    public CommandAudience Audience => CommandAudience.Organizer;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var language = context.Language;
        if (ExportAllCommand.ParseRange(context.Arguments) is not { } asked)
        {
            context.Reply(texts.Get(language, "ReportUsage"));
            return;
        }

        if (await GroupCommand.CurrentGroupAsync(context, groups, access, texts, cancellationToken) is not { } group
            || await courses.GetAsync(group.Id, cancellationToken) is not { } course)
        {
            return;
        }

        if (participation.RangeOf(group, asked.From == DateOnly.MinValue ? null : asked.From, asked.To == DateOnly.MaxValue ? null : asked.To) is not (var from, var to))
        {
            context.Reply(texts.Get(language, "ReportUsage"));
            return;
        }

        var members = await participation.ComputeAsync(course, from, to, cancellationToken);
        if (members.Count == 0)
        {
            context.Reply(texts.Get(language, "MembersNone", group.Name));
            return;
        }

        var folder = options.Value.TempFolderPath;
        var path = Path.Combine(folder, TempFilePrefix + Guid.NewGuid().ToString("N") + ".xlsx");
        try
        {
            ReportWorkbook.Write(path, new ReportContent(from, to, members, Labels(language), RenderChart(members, from, to, language), StatsChart.Width, StatsChart.Height));
            var rated = members.Where(m => m.ReplyRate is not null).ToList();
            var allDays = members.Count(m => m.AnsweredEveryStudyDay);
            var caption = texts.Get(
                language,
                "ReportCaption",
                group.Name,
                IsoDate.Format(from),
                IsoDate.Format(to),
                Percent((double)allDays / members.Count),
                allDays,
                members.Count,
                rated.Count == 0 ? "—" : Percent(rated.Average(m => m.ReplyRate!.Value)));
            var fileName = $"participation_{IsoDate.Format(from)}_{IsoDate.Format(to)}.xlsx";
            await context.SendInTurnAsync(ct => messenger.SendDocumentAsync(context.ChatId, path, fileName, caption, ct), cancellationToken);
            await audit.WriteAsync(context.UserId, AuditLog.Actions.Report, $"#{group.Id} {IsoDate.Format(from)}..{IsoDate.Format(to)}: {members.Count} members", cancellationToken);
        }
        finally
        {
            File.Delete(path);
        }
    }

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


    private static string Percent(double share) => Math.Round(100 * share).ToString(CultureInfo.InvariantCulture) + "%";
}

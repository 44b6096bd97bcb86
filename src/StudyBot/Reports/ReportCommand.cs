using System.Globalization;
using Microsoft.Extensions.Options;
using StudyBot.Audit;
using StudyBot.Configuration;
using StudyBot.Delivery;
using StudyBot.Exports;
using StudyBot.Groups;
using StudyBot.Learners;
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
    ReportStore store,
    GroupStore groups,
    GroupAccess access,
    GroupCourses courses,
    StatsChart chart,
    AuditLog audit,
    BotMessenger messenger,
    Texts texts,
    TimeProvider time,
    IOptions<BotOptions> options) : IBotCommand
{
    private const int MaxDays = 366;

    // The report's file while it is written and sent, in Bot:TempFolder or the system's temp folder.
    public const string TempFilePrefix = "studybot-report-";
    private const int DefaultDays = 30;

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

        var now = time.GetUtcNow().UtcDateTime;
        var today = DeliverySchedule.LocalDate(now, TimeZones.Get(group.TimeZone));
        var from = asked.From != DateOnly.MinValue ? asked.From : group.StartDate is { } start && start <= today ? start : today.AddDays(1 - DefaultDays);
        var to = asked.To != DateOnly.MaxValue ? asked.To : today;
        if (to < from || to.DayNumber - from.DayNumber >= MaxDays)
        {
            context.Reply(texts.Get(language, "ReportUsage"));
            return;
        }

        var members = Participation.Compute(
            await store.MembersAsync(group.Id, cancellationToken),
            await store.DaysAsync(group.Id, from, to, cancellationToken),
            await store.TotalsAsync(group.Id, from, to, cancellationToken),
            course.Calendar,
            from,
            to,
            now);
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
        var days = new List<DayCounts>();
        for (var (day, i) = (from, 0); day <= to; day = day.AddDays(1), i++)
        {
            var due = members.Count(m => m.Days[i] is DayMark.OnTime or DayMark.MadeUp or DayMark.Missed);
            var answered = members.Count(m => m.Days[i] is DayMark.OnTime or DayMark.MadeUp);
            days.Add(new DayCounts { LocalDate = day, Deliveries = due, Answered = answered, Reflections = answered });
        }

        return chart.TryRender(days, new ChartLabels(texts.Get(language, "ReportChartTitle"), texts.Get(language, "ReportChartDue"), texts.Get(language, "ReportChartAnswered")));
    }


    private static string Percent(double share) => Math.Round(100 * share).ToString(CultureInfo.InvariantCulture) + "%";
}

using System.Globalization;
using StudyBot.Exports;
using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;

namespace StudyBot.Reports;

// /report [FROM [TO]]: the current group's participation report, an XLSX sent to the organizer's
// private chat. Without dates it covers the course from its start (or the last 30 days) to today.
// Its caption gives 参学率 (members who answered every study day of the range) and the average
// reply rate.
internal sealed class ReportCommand(
    GroupParticipation participation,
    ParticipationReport reports,
    GroupStore groups,
    GroupAccess access,
    GroupCourses courses,
    BotMessenger messenger,
    Texts texts) : IBotCommand
{
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

        using var report = await reports.WriteAsync(course, from, to, language, cancellationToken);
        if (report is null)
        {
            context.Reply(texts.Get(language, "MembersNone", group.Name));
            return;
        }

        var members = report.Members;
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
        await context.SendInTurnAsync(ct => messenger.SendDocumentAsync(context.ChatId, report.Path, report.FileName, caption, ct), cancellationToken);
        await reports.RecordAsync(context.UserId, report, cancellationToken);
    }

    private static string Percent(double share) => Math.Round(100 * share).ToString(CultureInfo.InvariantCulture) + "%";
}

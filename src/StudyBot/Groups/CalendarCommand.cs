using System.Globalization;
using System.Text;
using StudyBot.Audit;
using StudyBot.Localization;
using StudyBot.Telegram.Receiving;
using StudyBot.Telegram.Routing;

namespace StudyBot.Groups;

// /calendar as the caption of a CSV document adds its exceptions to the current group's study
// days, all or nothing; /calendar alone lists the exceptions and says how to send them.
internal sealed class CalendarCommand(GroupStore groups, GroupAccess access, GroupCourses courses, DocumentDownloads downloads, AuditLog audit, Texts texts) : IBotCommand
{
    // Shown by /calendar alone: the coming exceptions, the most an organizer reads in a chat.
    private const int ListedDays = 30;

    public string Name => "calendar";
    public CommandAudience Audience => CommandAudience.Organizer;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (await GroupCommand.CurrentGroupAsync(context, groups, access, texts, cancellationToken) is not { } group)
        {
            return;
        }

        if (context.Message.Document is not { } document)
        {
            var days = await groups.CalendarDaysAsync(group.Id, cancellationToken);
            var list = new StringBuilder(texts.Get(context.Language, "CalendarUsage", group.Name));
            foreach (var day in days.TakeLast(ListedDays))
            {
                list.Append('\n').Append(day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(' ').Append(day.Kind);
                if (day.Note.Length > 0)
                {
                    list.Append(' ').Append(day.Note);
                }
            }

            context.Reply(list.ToString());
            return;
        }

        if (await downloads.DownloadAsync(document, CalendarFile.MaxBytes, cancellationToken) is not { } bytes)
        {
            context.Reply(texts.Get(context.Language, "CalendarTooLarge", CalendarFile.MaxBytes / 1024));
            return;
        }

        var (read, problem) = CalendarFile.Read(bytes, texts, context.Language);
        if (read is null)
        {
            context.Reply(texts.Get(context.Language, "CalendarRefused", problem));
            return;
        }

        await groups.SaveCalendarDaysAsync(group.Id, read, cancellationToken);
        courses.Forget(group.Id);
        await groups.RescheduleMembersAsync(group.Id, cancellationToken);
        await audit.WriteAsync(context.UserId, AuditLog.Actions.Calendar, $"#{group.Id}: {read.Count} days", cancellationToken);
        context.Reply(texts.Get(
            context.Language,
            "CalendarSaved",
            group.Name,
            read.Count(d => d.Kind == CalendarDay.Off),
            read.Count(d => d.Kind == CalendarDay.Study)));
    }
}

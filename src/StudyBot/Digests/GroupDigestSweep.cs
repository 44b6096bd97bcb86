using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using StudyBot.Delivery;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Outbox;

namespace StudyBot.Digests;

// One pass of the linked chats' weekly digests, run by the schedule's sweep after the walls: a
// linked group gets, on Sunday at its walltime in its zone, one post about the week Monday to
// Sunday: per day, how many members answered out of those who got the prompt, and where points and
// the leaderboard are on, the week's top ten by points. Sunday at walltime because that is when the
// group has chosen to look back on its day, and the week's last prompt has had its evening: the
// digest follows the day's wall (queued just before it) instead of waking the chat at another hour.
// Like the wall, only on the group's own Sunday: a digest missed while the bot was down all Sunday
// is not posted late into the next week.
internal sealed partial class GroupDigestSweep(GroupDigestStore store, OutboxSender outbox, Texts texts, TimeProvider time, ILogger<GroupDigestSweep> logger)
{
    private const int NameLimit = 64;

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var claimed = 0;
        foreach (var group in await store.LinkedGroupsAsync(cancellationToken))
        {
            if (!TimeOfDay.TryParse(group.WallTime, out var wallTime)
                || WeekToReport(now, TimeZones.Get(group.TimeZone), wallTime) is not { } weekStart
                || group.LastWeekStart >= weekStart)
            {
                continue;
            }

            // A week without a prompt sent (holidays, a course not started or over) has nothing to say.
            var days = await store.DaysAsync(group.GroupId, weekStart, cancellationToken);
            if (days.Count == 0)
            {
                continue;
            }

            IReadOnlyList<DigestScore>? top = group is { Points: true, Leaderboard: true }
                ? await store.TopAsync(group.GroupId, weekStart, cancellationToken)
                : null;
            if (await store.TryClaimAsync(group, weekStart, Compose(group, weekStart, days, top), cancellationToken))
            {
                claimed++;
            }
        }

        if (claimed > 0)
        {
            outbox.Wake();
            LogQueued(claimed);
        }

        return claimed;
    }

    // The Monday of the week that ends today, once today is Sunday and its walltime has come.
    internal static DateOnly? WeekToReport(DateTime nowUtc, TimeZoneInfo zone, TimeOnly wallTime)
    {
        var today = DeliverySchedule.LocalDate(nowUtc, zone);
        return today.DayOfWeek == DayOfWeek.Sunday && DeliverySchedule.SlotUtc(today, wallTime, zone) <= nowUtc
            ? today.AddDays(-6)
            : null;
    }

    private string Compose(DigestGroup group, DateOnly weekStart, IReadOnlyList<DigestDay> days, IReadOnlyList<DigestScore>? top)
    {
        var language = group.Language;
        var weekdays = texts.Get(language, "GroupDigestWeekdays").Split(',');
        var text = new StringBuilder(texts.Get(language, "GroupDigestHeader", group.Name, IsoDate.Format(weekStart), IsoDate.Format(weekStart.AddDays(6))));
        foreach (var day in days)
        {
            var weekday = weekdays[((int)day.Day.DayOfWeek + 6) % 7];
            text.Append('\n').Append(texts.Get(language, "GroupDigestDay", weekday, day.Day.ToString("MM-dd", CultureInfo.InvariantCulture), day.Answered, day.Received));
        }

        var received = days.Sum(d => d.Received);
        var answered = days.Sum(d => d.Answered);
        text.Append('\n').Append(texts.Get(language, "GroupDigestTotal", answered, received, (int)Math.Round(100.0 * answered / received)));
        if (top is not null)
        {
            text.Append("\n\n");
            if (top.Count == 0)
            {
                text.Append(texts.Get(language, "GroupDigestNoPoints"));
            }
            else
            {
                text.Append(texts.Get(language, "GroupDigestTop"));
                AppendRanks(text, language, top);
            }
        }

        return text.ToString();
    }

    // Equal points share a rank (1, 2, 2, 4), as a sports table shows them.
    private void AppendRanks(StringBuilder text, string language, IReadOnlyList<DigestScore> top)
    {
        var rank = 0;
        for (var i = 0; i < top.Count; i++)
        {
            if (i == 0 || top[i].Points != top[i - 1].Points)
            {
                rank = i + 1;
            }

            text.Append('\n').Append(texts.Get(language, "GroupDigestRank", rank, TextCut.Shorten(top[i].Name, NameLimit), top[i].Points));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Weekly digests queued for {Count} linked chats")]
    private partial void LogQueued(int count);
}

using Microsoft.Extensions.Logging;
using StudyBot.Delivery;
using StudyBot.Groups;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Outbox;
using StudyBot.Reflections;

namespace StudyBot.Wall;

// One pass of the linked chats' walls, run by the schedule's sweep: a group with its wall on gets,
// once its walltime has come on a study day (in its zone), one post: how many members answered out
// of those who got the prompt, who did, and the featured reflections with their authors, cut to
// one message. Only for the group's today: a wall missed while the bot was down for a whole day is
// not posted late.
internal sealed partial class WallPostSweep(WallPostStore store, GroupCourses courses, OutboxSender outbox, Texts texts, TimeProvider time, ILogger<WallPostSweep> logger)
{
    // Telegram's limit for a message, less room for the line that says more was cut.
    private const int MaxText = 4000;
    private const int FeaturedLimit = 600;

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var claimed = 0;
        foreach (var group in await store.LinkedWallsAsync(cancellationToken))
        {
            var zone = TimeZones.Get(group.TimeZone);
            var today = DeliverySchedule.LocalDate(now, zone);
            if (!TimeOfDay.TryParse(group.WallTime, out var wallTime)
                || DeliverySchedule.SlotUtc(today, wallTime, zone) > now
                || await courses.GetAsync(group.GroupId, cancellationToken) is not { } course
                || !course.Calendar.HasDelivery(today)
                || await store.PostedAsync(group.GroupId, today, cancellationToken))
            {
                continue;
            }

            var day = await store.DayAsync(group.GroupId, today, cancellationToken);
            if (await store.TryClaimAsync(group, today, Compose(group, today, day), cancellationToken))
            {
                claimed++;
            }
        }

        if (claimed > 0)
        {
            outbox.Wake();
            LogPosted(claimed);
        }

        return claimed;
    }

    private string Compose(WallGroup group, DateOnly today, WallDay day)
    {
        var language = group.Language;
        var text = new System.Text.StringBuilder(texts.Get(language, "WallPostHeader", group.Name, today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), day.Answered.Count, day.Received));
        if (day.Answered.Count > 0)
        {
            text.Append('\n').Append(texts.Get(language, "WallPostAnswered", string.Join(texts.Get(language, "WallPostNameSeparator"), day.Answered)));
        }

        foreach (var featured in day.Featured)
        {
            text.Append("\n\n★ ").Append(featured.AuthorName).Append('\n').Append(TextCut.Shorten(featured.Describe(texts, language), FeaturedLimit));
        }

        return text.Length <= MaxText ? text.ToString() : TextCut.Shorten(text.ToString(), MaxText) + "\n" + texts.Get(language, "WallPostCut");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Walls queued for {Count} linked chats")]
    private partial void LogPosted(int count);
}

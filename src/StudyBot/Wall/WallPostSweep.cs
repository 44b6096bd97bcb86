using Microsoft.Extensions.Logging;
using StudyBot.Delivery;
using StudyBot.Groups;
using StudyBot.Learners;
using StudyBot.Outbox;

namespace StudyBot.Wall;

// One pass of the linked chats' walls, run by the schedule's sweep: a group with its wall on gets,
// once its walltime has come on a study day (in its zone), one post: how many members answered out
// of those who got the prompt, who did, and the featured reflections with their authors; those
// that do not fit one message are a button away (WallPostText, WallRestButton). Only for the group's today: a wall missed while the bot was down for a whole day is
// not posted late.
internal sealed partial class WallPostSweep(WallPostStore store, WallPostText text, GroupCourses courses, OutboxSender outbox, TimeProvider time, ILogger<WallPostSweep> logger)
{
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

            var day = await store.DayAsync(group.GroupId, today, now, cancellationToken);
            if (await store.TryClaimAsync(group, today, text.Post(group, today, day), cancellationToken))
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Walls queued for {Count} linked chats")]
    private partial void LogPosted(int count);
}

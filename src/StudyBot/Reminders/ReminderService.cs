using Microsoft.Extensions.Logging;
using StudyBot.Audit;
using StudyBot.Delivery;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Outbox;

namespace StudyBot.Reminders;

// Nudges learners who received their local today's prompt and have not answered it, through the
// outbox. /remind does it at once for the organizer's group; a group's reminder time (/groupset
// reminder=HH:MM; the default group's starts from Bot:ReminderTime) does it at that time of each
// member's day.
// Either way at most one reminder per learner and local day (ReminderStore's claim).
internal sealed partial class ReminderService(
    ReminderStore store,
    OutboxSender outbox,
    AuditLog audit,
    Texts texts,
    TimeProvider time,
    ILogger<ReminderService> logger)
{
    // An organizer's nudge (/remind, the dashboard's Nudge): those of the group (null: every group,
    // for an owner) who have not answered today's prompt and were not reminded today, or only the
    // members among them in onlyChatIds; written to the audit. Returns how many were nudged.
    public async Task<int> RemindNowAsync(long organizerId, long? groupId, IReadOnlyCollection<long>? onlyChatIds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var due = (await UnansweredTodayAsync(groupId, alreadyReminded: false, cancellationToken))
            .Where(c => onlyChatIds is null || onlyChatIds.Contains(c.ChatId))
            .ToList();
        var nudged = await ClaimAndWakeAsync(due, ReminderStore.Source.Command, now, cancellationToken);
        var group = groupId is { } id ? $"group #{id}: " : "";
        await audit.WriteAsync(organizerId, AuditLog.Actions.Remind, $"{group}{nudged} nudged", cancellationToken);
        return nudged;
    }

    // Who got their local today's prompt and has not answered it.
    public async Task<List<ReminderCandidate>> UnansweredTodayAsync(long? groupId, bool alreadyReminded, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var candidates = await store.ListUnansweredAsync(now, groupId, alreadyReminded, cancellationToken);
        return [.. candidates.Where(c => c.LocalDate == DeliverySchedule.LocalDate(now, TimeZones.Get(c.TimeZone)))];
    }

    // Called on every sweep. A learner is due once their reminder time today has passed, if today's
    // prompt reached them before it: a prompt that arrives after the reminder time gets no nudge
    // that day. A reminder missed while the bot was down goes out if the local day is not over.
    public async Task<int> RunScheduledAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var candidates = await store.ListUnansweredAsync(now, groupId: null, alreadyReminded: false, cancellationToken);
        var due = candidates.Where(c =>
        {
            if (c.GroupReminderTime is null || !TimeOfDay.TryParse(c.GroupReminderTime, out var at))
            {
                return false;
            }

            var zone = TimeZones.Get(c.TimeZone);
            var slot = DeliverySchedule.SlotUtc(c.LocalDate, at, zone);
            return c.LocalDate == DeliverySchedule.LocalDate(now, zone) && slot <= now && c.SentUtc <= slot;
        }).ToList();
        var sent = await ClaimAndWakeAsync(due, ReminderStore.Source.Scheduled, now, cancellationToken);
        if (sent > 0)
        {
            LogScheduled(sent);
        }

        return sent;
    }

    private async Task<int> ClaimAndWakeAsync(List<ReminderCandidate> due, string source, DateTime now, CancellationToken cancellationToken)
    {
        if (due.Count == 0)
        {
            return 0;
        }

        var reminders = due.Select(c => (c, texts.Get(c.Language, "Reminder", c.Prompt.Trim()))).ToList();
        var claimed = await store.TryRemindAsync(reminders, source, now, cancellationToken);
        if (claimed > 0)
        {
            outbox.Wake();
        }

        return claimed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled reminder queued for {Count} learners")]
    private partial void LogScheduled(int count);
}

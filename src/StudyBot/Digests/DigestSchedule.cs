using StudyBot.Delivery;

namespace StudyBot.Digests;

// Pure rules of when a learner's weekly digest goes out: Sunday at 20:00 local time, reporting the
// week Monday to Sunday that ends that evening. 20:00 is late enough that the day's prompt has
// normally been answered, and early enough to read before the new week starts. A digest missed
// while the bot was down goes out when it comes back, if the learner's Sunday is not over
// (the same rule as a missed delivery).
internal static class DigestSchedule
{
    public static readonly TimeOnly Time = new(20, 0);

    public static DigestPlan PlanForDue(DateTime nowUtc, TimeZoneInfo zone)
    {
        var today = DeliverySchedule.LocalDate(nowUtc, zone);
        var sunday = today.AddDays((7 - (int)today.DayOfWeek) % 7);
        var slot = DeliverySchedule.SlotUtc(sunday, Time, zone);
        if (slot > nowUtc)
        {
            return new DigestPlan(null, slot);
        }

        // Only reachable on Sunday itself, at or after 20:00.
        return new DigestPlan(sunday.AddDays(-6), DeliverySchedule.SlotUtc(sunday.AddDays(7), Time, zone));
    }
}

// WeekStart: the Monday of the week to report now, if any; NextUtc: when to look at the learner again.
internal sealed record DigestPlan(DateOnly? WeekStart, DateTime NextUtc);

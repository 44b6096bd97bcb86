using StudyBot.Groups;

namespace StudyBot.Delivery;

// Pure rules of when a learner's next delivery is. All instants are UTC; local days are DateOnly.
internal static class DeliverySchedule
{
    public static DateOnly LocalDate(DateTime utc, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, zone));

    // A local time that does not exist (the spring-forward gap) moves forward by the gap;
    // an ambiguous one (the autumn repeat) takes the standard offset, as ConvertTimeToUtc does.
    public static DateTime SlotUtc(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            var offsetBeforeGap = zone.GetUtcOffset(local.AddHours(-12));
            return DateTime.SpecifyKind(local - offsetBeforeGap, DateTimeKind.Utc);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    // The first delivery time after `nowUtc` that falls on a local day not yet delivered.
    public static DateTime NextSlotUtc(DateTime nowUtc, TimeOnly time, TimeZoneInfo zone, DateOnly? lastDeliveredDate)
    {
        var date = LocalDate(nowUtc, zone);
        if (lastDeliveredDate is { } last && last >= date)
        {
            date = last.AddDays(1);
        }

        while (true)
        {
            var slot = SlotUtc(date, time, zone);
            if (slot > nowUtc)
            {
                return slot;
            }

            date = date.AddDays(1);
        }
    }

    // The first slot from `slotUtc` on that falls on a day the group's calendar has a delivery, so
    // a learner is not due at all on the other days; the slot itself when no such day comes within
    // a year (the course is over: the learner is looked at again daily, in case it is extended).
    public static DateTime OnDeliveryDay(DateTime slotUtc, TimeOnly time, TimeZoneInfo zone, StudyCalendar calendar)
    {
        var date = LocalDate(slotUtc, zone);
        if (calendar.HasDelivery(date))
        {
            return slotUtc;
        }

        return calendar.NextDeliveryDay(date.AddDays(1)) is { } day ? SlotUtc(day, time, zone) : slotUtc;
    }

    // What a due learner needs now: today's delivery if its time has come and it was not sent,
    // else only a new next-delivery time. Days that ended while the bot was down are skipped.
    public static DuePlan PlanForDue(DateTime nowUtc, TimeOnly time, TimeZoneInfo zone, DateOnly? lastDeliveredDate)
    {
        var today = LocalDate(nowUtc, zone);
        if (lastDeliveredDate is { } last && last >= today)
        {
            return new DuePlan(null, NextSlotUtc(nowUtc, time, zone, lastDeliveredDate));
        }

        var todaySlot = SlotUtc(today, time, zone);
        if (todaySlot > nowUtc)
        {
            return new DuePlan(null, todaySlot);
        }

        return new DuePlan(today, NextSlotUtc(nowUtc, time, zone, today));
    }
}

internal sealed record DuePlan(DateOnly? DeliverFor, DateTime NextDeliveryUtc);

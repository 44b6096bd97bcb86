using StudyBot.Delivery;

namespace StudyBot.Tests.Delivery;

public sealed class DeliveryScheduleTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static readonly TimeOnly Eight = new(8, 0);
    private static readonly TimeOnly HalfPastOne = new(1, 30);
    private static readonly TimeOnly HalfPastTwo = new(2, 30);

    private static DateTime Utc(int year, int month, int day, int hour, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, DateTimeKind.Utc);

    private static DateOnly Day(int year, int month, int day) => new(year, month, day);

    // LocalDate

    [Fact]
    public void Local_date_in_Shanghai_turns_at_16_00_UTC()
    {
        Assert.Equal(Day(2026, 12, 6), DeliverySchedule.LocalDate(Utc(2026, 12, 6, 15, 59, 59), Shanghai));
        Assert.Equal(Day(2026, 12, 7), DeliverySchedule.LocalDate(Utc(2026, 12, 6, 16, 0), Shanghai));
    }

    [Fact]
    public void Local_date_in_UTC_is_the_UTC_date()
    {
        Assert.Equal(Day(2026, 12, 6), DeliverySchedule.LocalDate(Utc(2026, 12, 6, 23, 59, 59), TimeZoneInfo.Utc));
        Assert.Equal(Day(2026, 12, 7), DeliverySchedule.LocalDate(Utc(2026, 12, 7, 0, 0), TimeZoneInfo.Utc));
    }

    [Fact]
    public void Local_date_in_New_York_follows_the_offset_of_the_season()
    {
        // Winter (EST, UTC-5): midnight is 05:00 UTC.
        Assert.Equal(Day(2026, 3, 7), DeliverySchedule.LocalDate(Utc(2026, 3, 8, 4, 59, 59), NewYork));
        Assert.Equal(Day(2026, 3, 8), DeliverySchedule.LocalDate(Utc(2026, 3, 8, 5, 0), NewYork));
        // Summer (EDT, UTC-4): midnight is 04:00 UTC.
        Assert.Equal(Day(2026, 7, 1), DeliverySchedule.LocalDate(Utc(2026, 7, 2, 3, 59, 59), NewYork));
        Assert.Equal(Day(2026, 7, 2), DeliverySchedule.LocalDate(Utc(2026, 7, 2, 4, 0), NewYork));
    }

    // SlotUtc

    [Fact]
    public void Shanghai_slot_is_eight_hours_before_local_time_all_year()
    {
        Assert.Equal(Utc(2026, 12, 7, 0, 0), DeliverySchedule.SlotUtc(Day(2026, 12, 7), Eight, Shanghai));
        Assert.Equal(Utc(2026, 7, 7, 0, 0), DeliverySchedule.SlotUtc(Day(2026, 7, 7), Eight, Shanghai));
        Assert.Equal(Utc(2026, 3, 7, 16, 0), DeliverySchedule.SlotUtc(Day(2026, 3, 8), new TimeOnly(0, 0), Shanghai));
    }

    [Fact]
    public void UTC_slot_is_the_local_time_itself()
    {
        Assert.Equal(Utc(2026, 3, 8, 2, 30), DeliverySchedule.SlotUtc(Day(2026, 3, 8), HalfPastTwo, TimeZoneInfo.Utc));
    }

    [Fact]
    public void Slot_is_returned_as_a_UTC_instant()
    {
        Assert.Equal(DateTimeKind.Utc, DeliverySchedule.SlotUtc(Day(2026, 12, 7), Eight, Shanghai).Kind);
        Assert.Equal(DateTimeKind.Utc, DeliverySchedule.SlotUtc(Day(2026, 3, 8), HalfPastTwo, NewYork).Kind);
    }

    [Fact]
    public void Spring_forward_gap_moves_the_delivery_forward_by_the_gap()
    {
        // 2026-03-08 02:30 does not exist in New York: it goes out at 03:30 EDT = 07:30 UTC.
        Assert.Equal(Utc(2026, 3, 8, 7, 30), DeliverySchedule.SlotUtc(Day(2026, 3, 8), HalfPastTwo, NewYork));
    }

    [Fact]
    public void Days_around_spring_forward_keep_their_own_offset()
    {
        Assert.Equal(Utc(2026, 3, 7, 7, 30), DeliverySchedule.SlotUtc(Day(2026, 3, 7), HalfPastTwo, NewYork));
        Assert.Equal(Utc(2026, 3, 9, 6, 30), DeliverySchedule.SlotUtc(Day(2026, 3, 9), HalfPastTwo, NewYork));
        // A time after the gap on the spring-forward day is already EDT.
        Assert.Equal(Utc(2026, 3, 8, 7, 0), DeliverySchedule.SlotUtc(Day(2026, 3, 8), new TimeOnly(3, 0), NewYork));
    }

    [Fact]
    public void Fall_back_ambiguous_time_takes_the_standard_offset()
    {
        // 2026-11-01 01:30 happens twice in New York (EDT then EST): the EST one, 06:30 UTC.
        Assert.Equal(Utc(2026, 11, 1, 6, 30), DeliverySchedule.SlotUtc(Day(2026, 11, 1), HalfPastOne, NewYork));
    }

    [Fact]
    public void Days_around_fall_back_keep_their_own_offset()
    {
        Assert.Equal(Utc(2026, 10, 31, 5, 30), DeliverySchedule.SlotUtc(Day(2026, 10, 31), HalfPastOne, NewYork));
        Assert.Equal(Utc(2026, 11, 2, 6, 30), DeliverySchedule.SlotUtc(Day(2026, 11, 2), HalfPastOne, NewYork));
    }

    // NextSlotUtc

    [Fact]
    public void Subscribing_before_todays_time_gives_today()
    {
        // 07:00 in Shanghai on 2026-12-07, time 08:00.
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 12, 6, 23, 0), Eight, Shanghai, null);

        Assert.Equal(Utc(2026, 12, 7, 0, 0), next);
    }

    [Fact]
    public void Subscribing_after_todays_time_gives_tomorrow()
    {
        // 10:00 in Shanghai on 2026-12-07, time 08:00: the first one is 2026-12-08 08:00.
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 12, 7, 2, 0), Eight, Shanghai, null);

        Assert.Equal(Utc(2026, 12, 8, 0, 0), next);
    }

    [Fact]
    public void Subscribing_at_exactly_todays_time_gives_tomorrow()
    {
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 12, 7, 8, 0), Eight, TimeZoneInfo.Utc, null);

        Assert.Equal(Utc(2026, 12, 8, 8, 0), next);
    }

    [Fact]
    public void UTC_learner_one_minute_before_the_time_gets_today()
    {
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 12, 7, 7, 59), Eight, TimeZoneInfo.Utc, null);

        Assert.Equal(Utc(2026, 12, 7, 8, 0), next);
    }

    [Fact]
    public void A_day_already_delivered_gives_tomorrow_even_if_todays_time_is_ahead()
    {
        // /today at 07:00 Shanghai on 2026-12-07 counted as today's delivery; 08:00 is still ahead.
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 12, 6, 23, 0), Eight, Shanghai, Day(2026, 12, 7));

        Assert.Equal(Utc(2026, 12, 8, 0, 0), next);
    }

    [Fact]
    public void A_day_already_delivered_in_UTC_gives_tomorrow()
    {
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 12, 7, 6, 0), Eight, TimeZoneInfo.Utc, Day(2026, 12, 7));

        Assert.Equal(Utc(2026, 12, 8, 8, 0), next);
    }

    [Fact]
    public void Changing_to_a_later_time_on_an_undelivered_day_gives_today()
    {
        // 10:00 in Shanghai on 2026-12-07, last delivery yesterday, new time 20:00.
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 12, 7, 2, 0), new TimeOnly(20, 0), Shanghai, Day(2026, 12, 6));

        Assert.Equal(Utc(2026, 12, 7, 12, 0), next);
    }

    [Fact]
    public void Changing_to_a_later_time_on_a_delivered_day_gives_tomorrow()
    {
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 12, 7, 2, 0), new TimeOnly(20, 0), Shanghai, Day(2026, 12, 7));

        Assert.Equal(Utc(2026, 12, 8, 12, 0), next);
    }

    [Fact]
    public void Changing_to_an_earlier_time_already_past_today_gives_tomorrow()
    {
        // 10:00 in Shanghai on 2026-12-07, undelivered, new time 09:00: today's 09:00 has passed.
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 12, 7, 2, 0), new TimeOnly(9, 0), Shanghai, Day(2026, 12, 6));

        Assert.Equal(Utc(2026, 12, 8, 1, 0), next);
    }

    [Fact]
    public void Next_slot_on_the_spring_forward_day_is_in_the_gap_moved_forward()
    {
        // Midnight EST on 2026-03-08 with a 02:30 time.
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 3, 8, 5, 0), HalfPastTwo, NewYork, Day(2026, 3, 7));

        Assert.Equal(Utc(2026, 3, 8, 7, 30), next);
    }

    [Fact]
    public void Next_slot_after_the_spring_forward_delivery_is_02_30_EDT()
    {
        // Just after the 03:30 EDT delivery of 2026-03-08.
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 3, 8, 7, 30), HalfPastTwo, NewYork, Day(2026, 3, 8));

        Assert.Equal(Utc(2026, 3, 9, 6, 30), next);
    }

    [Fact]
    public void Next_slot_from_the_day_before_spring_forward_is_the_moved_slot()
    {
        // 2026-03-07 12:00 EST, already delivered that day.
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 3, 7, 17, 0), HalfPastTwo, NewYork, Day(2026, 3, 7));

        Assert.Equal(Utc(2026, 3, 8, 7, 30), next);
    }

    [Fact]
    public void Next_slot_on_the_fall_back_day_is_the_standard_time_one()
    {
        // Midnight EDT on 2026-11-01 with a 01:30 time: not 05:30 UTC (EDT) but 06:30 UTC (EST).
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 11, 1, 4, 0), HalfPastOne, NewYork, Day(2026, 10, 31));

        Assert.Equal(Utc(2026, 11, 1, 6, 30), next);
    }

    [Fact]
    public void During_the_first_01_30_of_fall_back_the_next_slot_is_still_today()
    {
        // 01:45 EDT on 2026-11-01 (05:45 UTC): the 01:30 EST slot one hour later is still ahead.
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 11, 1, 5, 45), HalfPastOne, NewYork, Day(2026, 10, 31));

        Assert.Equal(Utc(2026, 11, 1, 6, 30), next);
    }

    [Fact]
    public void Next_slot_after_the_fall_back_delivery_is_01_30_EST()
    {
        var next = DeliverySchedule.NextSlotUtc(Utc(2026, 11, 1, 6, 30), HalfPastOne, NewYork, Day(2026, 11, 1));

        Assert.Equal(Utc(2026, 11, 2, 6, 30), next);
    }

    // PlanForDue

    [Fact]
    public void Down_since_yesterdays_slot_and_todays_slot_passed_delivers_for_today()
    {
        // Due at 2026-12-06 08:00 Shanghai, back at 2026-12-07 10:00: yesterday is over, today is not.
        var plan = DeliverySchedule.PlanForDue(Utc(2026, 12, 7, 2, 0), Eight, Shanghai, Day(2026, 12, 5));

        Assert.Equal(Day(2026, 12, 7), plan.DeliverFor);
        Assert.Equal(Utc(2026, 12, 8, 0, 0), plan.NextDeliveryUtc);
    }

    [Fact]
    public void Down_since_yesterdays_slot_before_todays_slot_delivers_nothing_and_waits_for_today()
    {
        // Due at 2026-12-06 08:00 Shanghai, back at 2026-12-07 06:00.
        var plan = DeliverySchedule.PlanForDue(Utc(2026, 12, 6, 22, 0), Eight, Shanghai, Day(2026, 12, 5));

        Assert.Null(plan.DeliverFor);
        Assert.Equal(Utc(2026, 12, 7, 0, 0), plan.NextDeliveryUtc);
    }

    [Fact]
    public void Already_delivered_today_delivers_nothing_and_waits_for_tomorrow()
    {
        var plan = DeliverySchedule.PlanForDue(Utc(2026, 12, 7, 2, 0), Eight, Shanghai, Day(2026, 12, 7));

        Assert.Null(plan.DeliverFor);
        Assert.Equal(Utc(2026, 12, 8, 0, 0), plan.NextDeliveryUtc);
    }

    [Fact]
    public void Due_at_exactly_the_slot_delivers_for_today()
    {
        var plan = DeliverySchedule.PlanForDue(Utc(2026, 12, 7, 0, 0), Eight, Shanghai, Day(2026, 12, 6));

        Assert.Equal(Day(2026, 12, 7), plan.DeliverFor);
        Assert.Equal(Utc(2026, 12, 8, 0, 0), plan.NextDeliveryUtc);
    }

    [Fact]
    public void A_first_delivery_ever_is_delivered_when_due()
    {
        var plan = DeliverySchedule.PlanForDue(Utc(2026, 12, 7, 8, 1), Eight, TimeZoneInfo.Utc, null);

        Assert.Equal(Day(2026, 12, 7), plan.DeliverFor);
        Assert.Equal(Utc(2026, 12, 8, 8, 0), plan.NextDeliveryUtc);
    }

    [Fact]
    public void Due_on_the_spring_forward_day_delivers_and_next_is_02_30_EDT()
    {
        // 04:00 EDT on 2026-03-08, after the moved 03:30 slot.
        var plan = DeliverySchedule.PlanForDue(Utc(2026, 3, 8, 8, 0), HalfPastTwo, NewYork, Day(2026, 3, 7));

        Assert.Equal(Day(2026, 3, 8), plan.DeliverFor);
        Assert.Equal(Utc(2026, 3, 9, 6, 30), plan.NextDeliveryUtc);
    }

    [Fact]
    public void Down_over_several_days_delivers_once_for_today_only()
    {
        // Last delivered 2026-12-01, back at 2026-12-07 10:00 Shanghai.
        var plan = DeliverySchedule.PlanForDue(Utc(2026, 12, 7, 2, 0), Eight, Shanghai, Day(2026, 12, 1));

        Assert.Equal(Day(2026, 12, 7), plan.DeliverFor);
        Assert.Equal(Utc(2026, 12, 8, 0, 0), plan.NextDeliveryUtc);
    }
}

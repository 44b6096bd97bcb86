using StudyBot.Delivery;
using StudyBot.Groups;
using StudyBot.Learners;

namespace StudyBot.Reports;

// Each member's day in the range: answered on the day, made up, missed, or no study day; and the
// figures the report's members sheet and caption give. Days before a member joined, and days
// still to come, are blank: nobody can have missed them.
internal enum DayMark
{
    Blank,
    OnTime,
    MadeUp,
    Missed,
    NoStudyDay,
}

internal sealed record MemberParticipation(
    ReportMember Member,
    IReadOnlyList<DayMark> Days,
    int Delivered,
    int OnTime,
    int MadeUp,
    int Missed,
    long Points,
    long Shared,
    long Featured)
{
    public double? ReplyRate => Delivered == 0 ? null : (double)(OnTime + MadeUp) / Delivered;

    // 参学: every study day of the range that was theirs to answer, answered.
    public bool AnsweredEveryStudyDay => Missed == 0 && OnTime + MadeUp > 0;
}

internal static class Participation
{
    public static List<MemberParticipation> Compute(
        IReadOnlyList<ReportMember> members,
        IReadOnlyList<ReportDay> days,
        IReadOnlyList<ReportTotals> totals,
        StudyCalendar calendar,
        DateOnly from,
        DateOnly to,
        DateTime nowUtc)
    {
        var byMember = days.ToLookup(d => d.ChatId);
        var totalsByMember = totals.ToDictionary(t => t.ChatId);
        var result = new List<MemberParticipation>(members.Count);
        foreach (var member in members)
        {
            var zone = TimeZones.Get(member.TimeZone);
            var today = DeliverySchedule.LocalDate(nowUtc, zone);
            var joined = member.JoinedUtc is { } at ? DeliverySchedule.LocalDate(at, zone) : DateOnly.MinValue;
            var delivered = byMember[member.ChatId].ToDictionary(d => d.LocalDate);
            var marks = new List<DayMark>();
            int sent = 0, onTime = 0, madeUp = 0, missed = 0;
            for (var day = from; day <= to; day = day.AddDays(1))
            {
                delivered.TryGetValue(day, out var delivery);
                sent += delivery is { Sent: 1 } ? 1 : 0;
                DayMark mark;
                if (delivery is { Answers: > 0 })
                {
                    mark = delivery.OnTimeAnswers > 0 ? DayMark.OnTime : DayMark.MadeUp;
                }
                else if (!calendar.HasDelivery(day))
                {
                    mark = DayMark.NoStudyDay;
                }
                else if (day < joined || day >= today)
                {
                    // Today is still open; before joining it was never theirs.
                    mark = DayMark.Blank;
                }
                else
                {
                    mark = DayMark.Missed;
                }

                onTime += mark == DayMark.OnTime ? 1 : 0;
                madeUp += mark == DayMark.MadeUp ? 1 : 0;
                missed += mark == DayMark.Missed ? 1 : 0;
                marks.Add(mark);
            }

            totalsByMember.TryGetValue(member.ChatId, out var extra);
            result.Add(new MemberParticipation(member, marks, sent, onTime, madeUp, missed, extra?.Points ?? 0, extra?.Shared ?? 0, extra?.Featured ?? 0));
        }

        return result;
    }

    // Per day of the range: the members for whom it was a day to answer, and those who answered.
    public static List<DayCompletion> DailyCompletion(IReadOnlyList<MemberParticipation> members, DateOnly from, DateOnly to)
    {
        var days = new List<DayCompletion>();
        for (var (day, i) = (from, 0); day <= to; day = day.AddDays(1), i++)
        {
            var due = members.Count(m => m.Days[i] is DayMark.OnTime or DayMark.MadeUp or DayMark.Missed);
            var answered = members.Count(m => m.Days[i] is DayMark.OnTime or DayMark.MadeUp);
            days.Add(new DayCompletion(day, due, answered));
        }

        return days;
    }
}

internal sealed record DayCompletion(DateOnly Date, int Due, int Answered);

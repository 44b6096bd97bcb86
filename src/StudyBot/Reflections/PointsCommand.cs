using StudyBot.Delivery;
using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;

namespace StudyBot.Reflections;

// /points: the learner's points in their group, in all and this week (from Monday, in their own
// time zone), and their rank where the group shows a leaderboard.
internal sealed class PointsCommand(Points points, GroupCourses courses, Texts texts, TimeProvider time) : IBotCommand
{
    public string Name => "points";
    public CommandAudience Audience => CommandAudience.Learner;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Learner is not { IsSubscribed: true } learner)
        {
            context.Reply(texts.Get(context.Language, "NotSubscribed"));
            return;
        }

        if (await courses.GetAsync(learner.GroupId, cancellationToken) is not { Group.Points: true } course)
        {
            context.Reply(texts.Get(learner.Language, "PointsOff"));
            return;
        }

        var today = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, learner.Zone);
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var summary = await points.SummaryAsync(learner.ChatId, learner.GroupId, monday, cancellationToken);
        var text = texts.Get(learner.Language, "PointsSummary", summary.Total, summary.ThisWeek);
        if (course.Group.Leaderboard)
        {
            text += "\n" + texts.Get(learner.Language, "PointsRank", summary.Rank, course.Group.Name);
        }

        context.Reply(text);
    }
}

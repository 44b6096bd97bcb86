using System.Globalization;
using Microsoft.Extensions.Options;
using StudyBot.Audit;
using StudyBot.Configuration;
using StudyBot.Delivery;
using StudyBot.Groups;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;

namespace StudyBot.Stats;

// /stats: subscribers, today's prompts and reflections, the reply rate of the last 7 days, and a
// chart of the last 30 days, sent as one photo with the figures as its caption. "Today" is the
// asking admin's local day (their learner time zone, else Bot:TimeZone); learners' deliveries
// count on their own local dates.
internal sealed class StatsCommand(
    StatsStore stats,
    GroupAccess access,
    StatsChart chart,
    AuditLog audit,
    BotMessenger messenger,
    Texts texts,
    TimeProvider time,
    IOptions<BotOptions> options) : IBotCommand
{
    public const int ChartDays = 30;
    public const int RateDays = 7;

    public string Name => "stats";
    public CommandAudience Audience => CommandAudience.Organizer;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var zone = context.Learner?.Zone ?? TimeZones.Get(options.Value.TimeZone);
        var today = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, zone);
        // Null only for someone who stopped running a group since the router let the command in.
        if (await access.CurrentScopeAsync(context.UserId, cancellationToken) is not { } scope)
        {
            return;
        }

        var groupId = scope.GroupId;
        var subscribers = await stats.CountSubscribersAsync(groupId, cancellationToken);
        var counted = (await stats.CountByDayAsync(groupId, today.AddDays(1 - ChartDays), today, cancellationToken)).ToDictionary(d => d.LocalDate);
        var days = Enumerable.Range(0, ChartDays)
            .Select(i => today.AddDays(i + 1 - ChartDays))
            .Select(date => counted.GetValueOrDefault(date) ?? new DayCounts { LocalDate = date })
            .ToList();

        var todays = days[^1];
        var week = days.TakeLast(RateDays).ToList();
        var sent = week.Sum(d => d.Deliveries);
        var answered = week.Sum(d => d.Answered);
        var rate = sent == 0 ? "—" : $"{Math.Round(100.0 * answered / sent).ToString(CultureInfo.InvariantCulture)}%";
        var caption = texts.Get(
            context.Language,
            "StatsCaption",
            subscribers.Total,
            subscribers.Active,
            subscribers.Paused,
            subscribers.Total - subscribers.Active - subscribers.Paused,
            today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            todays.Deliveries,
            todays.Reflections,
            rate,
            answered,
            sent);

        var png = RenderChart(days, context.Language);
        var fileName = $"stats-{today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.png";
        if (png is null || (await context.SendInTurnAsync(ct => messenger.SendPhotoAsync(context.ChatId, png, fileName, caption, ct), cancellationToken)).Status == SendStatus.Failed)
        {
            context.Reply(caption);
        }

        await audit.WriteAsync(context.Message.From?.Id ?? 0, AuditLog.Actions.Stats, null, cancellationToken);
    }

    // Without a picture (drawing failed), the organizer still gets the figures, as text.
    private byte[]? RenderChart(IReadOnlyList<DayCounts> days, string language) =>
        chart.TryRender(days, new ChartLabels(
            texts.Get(language, "StatsChartTitle", ChartDays),
            texts.Get(language, "StatsChartDeliveries"),
            texts.Get(language, "StatsChartReflections")));
}

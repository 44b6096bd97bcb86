using System.Text.Json;
using Microsoft.Extensions.Logging;
using StudyBot.Content;
using StudyBot.Delivery;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Outbox;
using StudyBot.Telegram;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Groups;

// One pass of the linked chats' daily posts, run by the schedule's sweep after the deliveries: each
// group whose next post time has come gets the day's item in its chat at its delivery time in its
// zone, on the days its calendar has a delivery, with a Join button (the invite link). The same
// rules as a learner's delivery (DeliverySchedule): a post missed while the bot was down goes out
// if the group's day is not over, and a group is due only on its study days.
internal sealed partial class GroupChatPostSweep(
    GroupChatStore chats,
    GroupCourses courses,
    ContentStore content,
    GroupLinks links,
    OutboxSender outbox,
    Texts texts,
    TimeProvider time,
    ILogger<GroupChatPostSweep> logger)
{
    private const int BatchSize = 500;

    // Bounds a pass: a group that cannot be planned stays due, and must not keep the pass going.
    private const int MaxBatchesPerPass = 20;

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var claimed = 0;
        for (var batch = 0; batch < MaxBatchesPerPass; batch++)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var due = await chats.ListDueAsync(now, BatchSize, cancellationToken);
            foreach (var group in due)
            {
                claimed += await PlanAsync(group, now, cancellationToken) ? 1 : 0;
            }

            if (due.Count < BatchSize)
            {
                break;
            }
        }

        if (claimed > 0)
        {
            outbox.Wake();
        }

        return claimed;
    }

    private async Task<bool> PlanAsync(DuePost due, DateTime now, CancellationToken cancellationToken)
    {
        if (await courses.GetAsync(due.GroupId, cancellationToken) is not { } course)
        {
            return false;
        }

        var group = course.Group;
        var zone = TimeZones.Get(group.TimeZone);
        var deliveryTime = TimeOfDay.Parse(group.DeliveryTime);
        var plan = DeliverySchedule.PlanForDue(now, deliveryTime, zone, due.LastPostDate);
        var next = DeliverySchedule.OnDeliveryDay(plan.NextDeliveryUtc, deliveryTime, zone, course.Calendar);
        PlannedPost? post = null;
        if (plan.DeliverFor is { } day && course.Calendar.HasDelivery(day))
        {
            if (await content.ItemForAsync(course, group.Language, day, cancellationToken) is { } item)
            {
                post = new PlannedPost(day, item, texts.Get(group.Language, "GroupPost", DeliveryText.Format(texts, group.Language, item)), JoinButton(group));
            }
            else
            {
                LogNoContent(group.Id, group.Language);
            }
        }

        return await chats.ApplyAsync(due, next, post, now, cancellationToken);
    }

    // Telegram takes only a URL for a link button: without the bot's username (getMe has not
    // answered yet) the post goes without it.
    private string? JoinButton(StudyGroup group)
    {
        var invite = links.Invite(group);
        if (!invite.StartsWith("https://", StringComparison.Ordinal))
        {
            return null;
        }

        var keyboard = new InlineKeyboardMarkup(InlineKeyboardButton.WithUrl(texts.Get(group.Language, "GroupPostJoin"), invite));
        return JsonSerializer.Serialize(keyboard, TelegramJson.Keyboard);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No content for group {GroupId} in language {Language}; its chat's post is skipped")]
    private partial void LogNoContent(long groupId, string language);
}

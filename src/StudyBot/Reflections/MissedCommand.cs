using System.Text;
using StudyBot.Content;
using StudyBot.Delivery;
using StudyBot.Groups;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Outbox;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Reflections;

// /missed (补卡): the study days within the group's make-up window that the learner has not
// answered, each with a button that brings that day's item; the learner's next text answers it and
// is marked made up. Not offered: days before they joined the group, days without a delivery in
// its calendar, days outside the window. Callback data: "mu:<yyyy-MM-dd>".
internal sealed class MissedCommand(
    ReflectionStore reflections,
    DeliveryStore deliveries,
    LearnerStore learners,
    GroupCourses courses,
    ContentStore content,
    OutboxSender outbox,
    BotMessenger messenger,
    ChatReplies replies,
    Texts texts,
    TimeProvider time) : IBotCommand, ICallbackHandler
{
    public string Name => "missed";
    public CommandAudience Audience => CommandAudience.Learner;
    public string Prefix => "mu";

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Learner is not { IsSubscribed: true } learner)
        {
            context.Reply(texts.Get(context.Language, "NotSubscribed"));
            return;
        }

        if (await courses.GetAsync(learner.GroupId, cancellationToken) is not { } course || course.Group.MakeupDays == 0)
        {
            context.Reply(texts.Get(learner.Language, "MakeupOff"));
            return;
        }

        var days = await MissedDaysAsync(learner, course, cancellationToken);
        if (days.Count == 0)
        {
            context.Reply(texts.Get(learner.Language, "MissedNone", course.Group.MakeupDays));
            return;
        }

        var list = new StringBuilder(texts.Get(learner.Language, "MissedHeader", course.Group.MakeupDays));
        var buttons = days.Select(day => new[] { InlineKeyboardButton.WithCallbackData(IsoDate.Format(day), $"{Prefix}:{IsoDate.Format(day)}") }).ToList();
        context.Reply(list.ToString(), new InlineKeyboardMarkup(buttons));
    }

    public async Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken)
    {
        var chatId = query.From.Id;
        if (!IsoDate.TryParse(data, out var day)
            || await learners.GetAsync(chatId, cancellationToken) is not { IsSubscribed: true } learner
            || await courses.GetAsync(learner.GroupId, cancellationToken) is not { } course
            || !(await MissedDaysAsync(learner, course, cancellationToken)).Contains(day))
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "MakeupNotOffered"));
            return;
        }

        await messenger.AnswerButtonAsync(query.Id, cancellationToken);
        await learners.SetMakeupDateAsync(chatId, day, cancellationToken);
        var header = texts.Get(learner.Language, "MakeupHeader", IsoDate.Format(day));

        // The day's own item: the one delivered then, or, where none was (paused, or the bot was
        // down), the group's item for that date, claimed now as that day's delivery.
        if (await deliveries.GetForDateAsync(chatId, day, cancellationToken) is { } delivered)
        {
            var item = new ContentItem(delivered.Theme, delivered.Quote, delivered.Source, delivered.Prompt, null);
            replies.Queue(new OutgoingMessage(chatId, header + "\n\n" + DeliveryText.Format(texts, learner.Language, item)));
            return;
        }

        if (await content.ItemForAsync(course, learner.Language, day, cancellationToken) is not { } dayItem)
        {
            replies.Queue(new OutgoingMessage(chatId, texts.Get(learner.Language, "NoContent")));
            return;
        }

        if (await deliveries.TryClaimForSendingAsync(chatId, day, dayItem, header + "\n\n" + DeliveryText.Format(texts, learner.Language, dayItem), cancellationToken) is { } claimed)
        {
            await outbox.SendNowAsync(claimed, cancellationToken);
        }
    }

    // Oldest first, within the window that ends yesterday.
    private async Task<List<DateOnly>> MissedDaysAsync(Learner learner, GroupCourse course, CancellationToken cancellationToken)
    {
        var window = course.Group.MakeupDays;
        if (window == 0)
        {
            return [];
        }

        var now = time.GetUtcNow().UtcDateTime;
        var today = DeliverySchedule.LocalDate(now, learner.Zone);
        var joined = DeliverySchedule.LocalDate(learner.JoinedUtc ?? learner.SubscribedUtc, learner.Zone);
        var answered = (await reflections.AnsweredDatesAsync(learner.ChatId, cancellationToken)).ToHashSet();
        return Enumerable.Range(1, window)
            .Select(back => today.AddDays(-back))
            .Where(day => day >= joined && course.Calendar.HasDelivery(day) && !answered.Contains(day))
            .OrderBy(day => day)
            .ToList();
    }

}

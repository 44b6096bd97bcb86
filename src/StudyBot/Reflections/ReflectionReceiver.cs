using System.Globalization;
using StudyBot.Delivery;
using StudyBot.Groups;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;

namespace StudyBot.Reflections;

// Plain text, a photo or a voice message from a subscribed learner is a reflection on the prompt
// it replies to, else on the latest one.
internal sealed class ReflectionReceiver(
    ReflectionStore reflections,
    DeliveryStore deliveries,
    StreakReader streaks,
    GroupCourses courses,
    ChatReplies replies,
    Texts texts,
    TimeProvider time)
{
    public async Task ReceiveAsync(Message message, ReflectionContent content, Learner? learner, string language, CancellationToken cancellationToken)
    {
        var chatId = message.Chat.Id;
        if (learner is not { IsSubscribed: true })
        {
            replies.Queue(new OutgoingMessage(chatId, texts.Get(language, "NotSubscribed")));
            return;
        }

        if (await SaveAsync(message, content, learner, learner.MakeupDate, cancellationToken) is not { } saved)
        {
            replies.Queue(new OutgoingMessage(chatId, texts.Get(language, "NoPromptYet")));
            return;
        }

        var length = new StringInfo(content.Text).LengthInTextElements;
        var confirmation = saved.Result == SaveResult.Updated
            ? texts.Get(language, "ReflectionUpdated", length)
            : SavedText(content, length, await streaks.DescribeAsync(chatId, learner.GroupId, learner.Zone, language, cancellationToken), language);
        if (saved.MadeUpFor is { } day && saved.Result == SaveResult.Created)
        {
            confirmation = texts.Get(language, "ReflectionMadeUp", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) + " " + confirmation;
        }

        // Where the group's wall is on, the author may share it with the group: never without the press.
        var share = saved.Id is { } id && (await courses.GetAsync(learner.GroupId, cancellationToken))?.Group.Wall == true
            ? ShareButton.Keyboard(texts, language, id, shared: false)
            : null;
        replies.Queue(new OutgoingMessage(chatId, confirmation) { ReplyToMessageId = message.Id, Keyboard = share });
    }

    private string SavedText(ReflectionContent content, int length, string streak, string language) => content.Kind switch
    {
        ReflectionKind.Photo => texts.Get(language, "PhotoSaved", streak),
        ReflectionKind.Voice => texts.Get(language, "VoiceSaved", ReflectionContent.Length(content.DurationSeconds ?? 0), streak),
        _ => texts.Get(language, "ReflectionSaved", length, streak),
    };

    // Many texts that arrived together (a forward of a whole conversation, a flood): each is saved
    // like any reflection, and one confirmation answers them all, so the chat's next turn to be
    // answered does not wait a second per message behind Telegram's per-chat limit. A make-up day
    // waiting for its answer takes the first of them.
    public async Task ReceiveBurstAsync(IReadOnlyList<Message> messages, Learner? learner, string language, CancellationToken cancellationToken)
    {
        var chatId = messages[0].Chat.Id;
        if (learner is not { IsSubscribed: true })
        {
            replies.Queue(new OutgoingMessage(chatId, texts.Get(language, "NotSubscribed")));
            return;
        }

        var first = await SaveAsync(messages[0], ReflectionContent.Of(messages[0])!, learner, learner.MakeupDate, cancellationToken);

        // The rest side by side: the writer commits them in a few groups instead of one by one.
        var rest = await Task.WhenAll(messages.Skip(1).Select(message => SaveAsync(message, ReflectionContent.Of(message)!, learner, null, cancellationToken)));
        var count = rest.Prepend(first).Count(s => s is not null);
        var confirmation = count == 0
            ? texts.Get(language, "NoPromptYet")
            : texts.Get(language, "ReflectionsSaved", count, await streaks.DescribeAsync(chatId, learner.GroupId, learner.Zone, language, cancellationToken));
        replies.Queue(new OutgoingMessage(chatId, confirmation) { ReplyToMessageId = messages[^1].Id });
    }

    // On the make-up day the learner picked in /missed (while it is inside the group's window; a
    // text that replies to the make-up item or to nothing), else on the prompt it replies to, else
    // the latest; null when no prompt was delivered yet. An answer after its day is made up within
    // the window, and kept without counting for the day after it.
    private async Task<Saved?> SaveAsync(Message message, ReflectionContent content, Learner learner, DateOnly? makeupDate, CancellationToken cancellationToken)
    {
        var chatId = message.Chat.Id;
        var today = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, learner.Zone);
        var group = (await courses.GetAsync(learner.GroupId, cancellationToken))?.Group;
        var window = group?.MakeupDays ?? 0;
        var replyTo = message.ReplyToMessage?.Id;
        var prompt = await deliveries.FindPromptForReplyAsync(chatId, replyTo, cancellationToken);
        var repliedToPrompt = replyTo is not null && prompt?.MessageId == replyTo;
        if (makeupDate is { } day && day < today && day >= today.AddDays(-window) && message.EditDate is null && !repliedToPrompt
            && await deliveries.GetForDateAsync(chatId, day, cancellationToken) is { } makeup)
        {
            prompt = makeup;
        }

        if (prompt is null)
        {
            return null;
        }

        var timing = AnswerTimingOf(prompt.LocalDate, today, window);
        var credit = new AnswerCredit(timing, group?.Points == true, learner.MakeupDate == prompt.LocalDate);
        var saved = await reflections.SaveAsync(chatId, message.Id, prompt.Id, content, message.EditDate is not null, credit, cancellationToken);
        return new Saved(saved.Result, saved.Id, timing == AnswerTiming.MadeUp ? prompt.LocalDate : null);
    }

    public static AnswerTiming AnswerTimingOf(DateOnly promptDate, DateOnly today, int makeupWindow) =>
        promptDate >= today ? AnswerTiming.OnTheDay
        : promptDate >= today.AddDays(-makeupWindow) ? AnswerTiming.MadeUp
        : AnswerTiming.Late;

    private sealed record Saved(SaveResult Result, long? Id, DateOnly? MadeUpFor);
}

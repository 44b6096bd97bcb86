using System.Globalization;
using System.Text;
using StudyBot.Audit;
using StudyBot.Delivery;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Outbox;
using StudyBot.Reflections;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Groups;

// /members: the current group's members, a page at a time, with their participation in the group
// (answered, missed, last answer, streak) and a button each to remove them, asked twice.
// Callback data: "mem:<group>:<page>" turns the page, "mem:<group>:<page>:rm:<chat>" asks,
// "mem:<group>:<page>:rmok:<chat>" removes. Every press is checked against the presser's groups.
internal sealed class MembersCommand(
    MemberStore members,
    OutboxSender outbox,
    GroupStore groups,
    GroupAccess access,
    GroupCourses courses,
    AuditLog audit,
    BotMessenger messenger,
    Texts texts,
    TimeProvider time) : IBotCommand, ICallbackHandler
{
    public const int PageSize = 10;

    public string Name => "members";
    public CommandAudience Audience => CommandAudience.Organizer;
    public string Prefix => "mem";

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (await GroupCommand.CurrentGroupAsync(context, groups, access, texts, cancellationToken) is not { } group)
        {
            return;
        }

        var (text, keyboard) = await PageAsync(group, 0, context.Language, cancellationToken);
        context.Reply(text, keyboard);
    }

    public async Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken)
    {
        var parts = data.Split(':');
        if (parts.Length is not (2 or 4)
            || !TryId(parts[0], out var groupId) || !TryId(parts[1], out var page)
            || (parts.Length == 4 && (parts[2] is not ("rm" or "rmok") || !TryId(parts[3], out _)))
            || !await access.MayRunAsync(query.From.Id, groupId, cancellationToken)
            || await groups.GetAsync(groupId, cancellationToken) is not { } group)
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "GroupNotYours"));
            return;
        }

        var (text, keyboard) = await PageAsync(group, (int)Math.Min(page, int.MaxValue / PageSize), language, cancellationToken);
        if (parts.Length == 4)
        {
            var chatId = long.Parse(parts[3], CultureInfo.InvariantCulture);
            if (parts[2] == "rm")
            {
                var asked = await members.FindAsync(group.Id, chatId, cancellationToken);
                text = texts.Get(language, "MemberRemoveAsk", asked?.DisplayName ?? parts[3], group.Name);
                keyboard = new InlineKeyboardMarkup(
                    InlineKeyboardButton.WithCallbackData(texts.Get(language, "MemberRemoveYes"), $"{Prefix}:{group.Id}:{page}:rmok:{chatId}"),
                    InlineKeyboardButton.WithCallbackData(texts.Get(language, "MemberRemoveNo"), $"{Prefix}:{group.Id}:{page}"));
            }
            else
            {
                if (await members.FindAsync(group.Id, chatId, cancellationToken) is { } removed
                    && await members.RemoveAsync(group.Id, chatId, OutboxMessage.LearnerNotice(chatId, texts.Get(removed.Language, "YouWereRemoved", group.Name)), cancellationToken))
                {
                    outbox.Wake();
                    await audit.WriteAsync(query.From.Id, AuditLog.Actions.MemberRemoved, $"#{group.Id}: {chatId}", cancellationToken);
                    (text, keyboard) = await PageAsync(group, (int)Math.Min(page, int.MaxValue / PageSize), language, cancellationToken);
                    text = texts.Get(language, "MemberRemoved", removed.DisplayName) + "\n\n" + text;
                }
            }
        }

        await messenger.AnswerButtonAsync(query.Id, cancellationToken);
        if (query.Message is { } message)
        {
            await messenger.EditTextAsync(message.Chat.Id, message.Id, text, keyboard, cancellationToken);
        }
    }

    private async Task<(string Text, InlineKeyboardMarkup? Keyboard)> PageAsync(StudyGroup group, int page, string language, CancellationToken cancellationToken)
    {
        var total = await members.CountAsync(group.Id, cancellationToken);
        if (total == 0)
        {
            return (texts.Get(language, "MembersNone", group.Name), null);
        }

        var pages = (int)((total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 0, pages - 1);
        var zone = TimeZones.Get(group.TimeZone);
        var today = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, zone);
        var rows = await members.PageAsync(group.Id, page, PageSize, today, cancellationToken);
        var answered = await members.AnsweredDatesAsync([.. rows.Select(r => r.ChatId)], cancellationToken);
        var calendar = (await courses.GetAsync(group.Id, cancellationToken))?.Calendar ?? StudyCalendar.EveryDay;

        var text = new StringBuilder(texts.Get(language, "MembersHeader", group.Name, total, page + 1, pages));
        var buttons = new List<InlineKeyboardButton[]>();
        var number = page * PageSize;
        foreach (var row in rows)
        {
            var memberToday = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, TimeZones.Get(row.TimeZone));
            var streak = Streak.DaysInARow(answered[row.ChatId], memberToday, calendar.HasDelivery);
            var lastAnswer = row.LastAnswerUtc is { } last
                ? DeliverySchedule.LocalDate(last, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : texts.Get(language, "MemberNeverAnswered");
            text.Append('\n').Append(texts.Get(language, "MembersLine", ++number, row.DisplayName, texts.Get(language, "MemberStatus_" + row.Status), row.Answered, row.Missed, lastAnswer, streak));
            buttons.Add([InlineKeyboardButton.WithCallbackData(texts.Get(language, "MemberRemoveButton", TextCut.Shorten(row.DisplayName, 24)), $"{Prefix}:{group.Id}:{page}:rm:{row.ChatId}")]);
        }

        var turn = new List<InlineKeyboardButton>();
        if (page > 0)
        {
            turn.Add(InlineKeyboardButton.WithCallbackData("◀", $"{Prefix}:{group.Id}:{page - 1}"));
        }

        if (page < pages - 1)
        {
            turn.Add(InlineKeyboardButton.WithCallbackData("▶", $"{Prefix}:{group.Id}:{page + 1}"));
        }

        if (turn.Count > 0)
        {
            buttons.Add([.. turn]);
        }

        return (text.ToString(), new InlineKeyboardMarkup(buttons));
    }

    private static bool TryId(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value.ToString(CultureInfo.InvariantCulture) == text;
}

using System.Globalization;
using StudyBot.Delivery;
using StudyBot.Groups;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Reflections;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Wall;

// /wall [YYYY-MM-DD]: the reflections the current group's members shared on a day (today in the
// group's zone unless given), one message each with Feature (精选) and Comment (点评), and a button
// for the day before. A comment is the organizer's next text (CommentComposer).
// Callback data: "wall:f:<reflection>", "wall:c:<reflection>", "wall:d:<group>:<yyyy-MM-dd>".
internal sealed class WallCommand(
    WallStore wall,
    WallActions actions,
    GroupStore groups,
    GroupAccess access,
    BotMessenger messenger,
    ChatReplies replies,
    Texts texts,
    TimeProvider time) : IBotCommand, ICallbackHandler
{
    private const int TextLimit = 1500;

    public string Name => "wall";
    public CommandAudience Audience => CommandAudience.Organizer;
    public string Prefix => "wall";

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var argument = context.Arguments.Trim();
        DateOnly? asked = null;
        if (argument.Length > 0)
        {
            if (!IsoDate.TryParse(argument, out var parsed) || !IsPlausible(parsed))
            {
                context.Reply(texts.Get(context.Language, "WallUsage"));
                return;
            }

            asked = parsed;
        }

        if (await GroupCommand.CurrentGroupAsync(context, groups, access, texts, cancellationToken) is not { } group)
        {
            return;
        }

        await ShowAsync(context.ChatId, group, asked ?? DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, TimeZones.Get(group.TimeZone)), context.Language, cancellationToken);
    }

    public async Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken)
    {
        var parts = data.Split(':');
        var organizer = query.From.Id;
        if (parts is ["d", var groupText, var dayText]
            && long.TryParse(groupText, NumberStyles.None, CultureInfo.InvariantCulture, out var groupId)
            && IsoDate.TryParse(dayText, out var day)
            && IsPlausible(day)
            && await access.MayRunAsync(organizer, groupId, cancellationToken)
            && await groups.GetAsync(groupId, cancellationToken) is { } group)
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken);
            await ShowAsync(query.Message?.Chat.Id ?? organizer, group, day, language, cancellationToken);
            return;
        }

        if (parts is not [var action and ("f" or "c"), var idText]
            || !long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || await wall.FindAsync(id, cancellationToken) is not { IsShared: true } reflection
            || !await access.MayRunAsync(organizer, reflection.GroupId, cancellationToken))
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "WallNotYours"));
            return;
        }

        if (action == "c")
        {
            await wall.StartCommentAsync(organizer, id, cancellationToken);
            await messenger.AnswerButtonAsync(query.Id, cancellationToken);
            replies.Queue(new OutgoingMessage(query.Message?.Chat.Id ?? organizer, texts.Get(language, "CommentWrite", reflection.AuthorName)));
            return;
        }

        var first = await actions.FeatureAsync(organizer, reflection, language, cancellationToken);
        await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, first ? "WallFeatured" : "WallAlreadyFeatured"));
    }

    private async Task ShowAsync(long chatId, StudyGroup group, DateOnly day, string language, CancellationToken cancellationToken)
    {
        var entries = await wall.SharedOnAsync(group.Id, day, cancellationToken);
        var earlier = new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData(texts.Get(language, "WallEarlier"), $"{Prefix}:d:{group.Id}:{IsoDate.Format(day.AddDays(-1))}"));
        replies.Queue(new OutgoingMessage(chatId, texts.Get(language, entries.Count == 0 ? "WallEmpty" : "WallHeader", group.Name, IsoDate.Format(day), entries.Count)) { Keyboard = earlier });
        foreach (var entry in entries)
        {
            var text = (entry.FeaturedUtc is null ? "" : "★ ") + entry.AuthorName + "\n" + TextCut.Shorten(entry.Describe(texts, language), TextLimit);
            var buttons = new InlineKeyboardMarkup(
                InlineKeyboardButton.WithCallbackData(texts.Get(language, "WallFeature"), $"{Prefix}:f:{entry.Id}"),
                InlineKeyboardButton.WithCallbackData(texts.Get(language, "WallComment"), $"{Prefix}:c:{entry.Id}"));
            replies.Queue(new OutgoingMessage(chatId, text) { Keyboard = buttons });
        }
    }


    // A day a wall can have: the button for the day before must not run off the calendar.
    private static bool IsPlausible(DateOnly day) => day.Year is >= 2000 and <= 2999;
}

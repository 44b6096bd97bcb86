using System.Globalization;
using System.Text;
using StudyBot.Content;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;
using StudyBot.Wall;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Reflections;

// /history shows page 1; the Older/Newer buttons ("h:<page>") edit the same message in place.
// Organizers' comments follow the reflection they are about.
internal sealed class HistoryCommand(ReflectionStore reflections, LearnerStore learners, StreakReader streaks, WallStore wall, BotMessenger messenger, Texts texts) : IBotCommand, ICallbackHandler
{
    public const int PageSize = 5;
    private const int QuoteLimit = 120;
    private const int TextLimit = 500;

    public string Name => "history";
    public CommandAudience Audience => CommandAudience.Learner;
    public string Prefix => "h";

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var (text, keyboard) = await RenderAsync(context.ChatId, context.Learner, 1, context.Language, cancellationToken);
        context.Reply(text, keyboard);
    }

    public async Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken)
    {
        await messenger.AnswerButtonAsync(query.Id, cancellationToken);
        if (query.Message is not { } message || !int.TryParse(data, NumberStyles.None, CultureInfo.InvariantCulture, out var page))
        {
            return;
        }

        var learner = await learners.GetAsync(message.Chat.Id, cancellationToken);
        var (text, keyboard) = await RenderAsync(message.Chat.Id, learner, page, language, cancellationToken);
        await messenger.EditTextAsync(message.Chat.Id, message.Id, text, keyboard, cancellationToken);
    }

    private async Task<(string Text, InlineKeyboardMarkup? Keyboard)> RenderAsync(long chatId, Learner? learner, int page, string language, CancellationToken cancellationToken)
    {
        var total = await reflections.CountAsync(chatId, cancellationToken);
        if (total == 0)
        {
            return (texts.Get(language, "HistoryEmpty"), null);
        }

        var pages = (total + PageSize - 1) / PageSize;
        page = Math.Clamp(page, 1, pages);
        var entries = await reflections.PageAsync(chatId, (page - 1) * PageSize, PageSize, cancellationToken);
        var comments = await wall.CommentsOnAsync([.. entries.Select(e => e.Id)], cancellationToken);

        var streak = await streaks.DescribeAsync(chatId, learner?.GroupId ?? Groups.StudyGroup.DefaultId, learner?.Zone ?? TimeZoneInfo.Utc, language, cancellationToken);
        var builder = new StringBuilder(texts.Get(language, "HistoryHeader", total, page, pages, streak));
        foreach (var entry in entries)
        {
            builder.Append("\n\n")
                .Append(entry.LocalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(" · ").Append(entry.Theme)
                .Append(entry.EditedUtc is null ? "" : texts.Get(language, "HistoryEdited")).Append('\n')
                .Append(texts.Get(language, "HistoryQuotation", DeliveryText.Quoted(texts, language, TextCut.Shorten(entry.Quote, QuoteLimit)), entry.Source)).Append('\n')
                .Append(TextCut.Shorten(entry.Describe(texts, language), TextLimit));
            foreach (var comment in comments[entry.Id])
            {
                builder.Append('\n').Append(texts.Get(language, "HistoryComment", TextCut.Shorten(comment, TextLimit)));
            }
        }

        var buttons = new List<InlineKeyboardButton>();
        if (page < pages)
        {
            buttons.Add(InlineKeyboardButton.WithCallbackData(texts.Get(language, "HistoryOlder"), $"h:{page + 1}"));
        }

        if (page > 1)
        {
            buttons.Add(InlineKeyboardButton.WithCallbackData(texts.Get(language, "HistoryNewer"), $"h:{page - 1}"));
        }

        return (builder.ToString(), buttons.Count == 0 ? null : new InlineKeyboardMarkup(buttons));
    }
}

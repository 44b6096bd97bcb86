using System.Globalization;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;
using StudyBot.Wall;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Reflections;

// Share / Unshare under a saved reflection's confirmation. Only its author's press counts; a share
// earns the day's sharing point where the group has points on (once, whatever is pressed again).
// Unsharing also takes it out of a wall post already in the linked chat (PostedWallRevision).
// Callback data: "sh:<reflection id>" shares, "sh:<reflection id>:off" hides it again.
internal sealed class ShareButton(ReflectionStore reflections, Points points, PostedWallRevision postedWalls, BotMessenger messenger, Texts texts) : ICallbackHandler
{
    public const string PrefixName = "sh";

    public string Prefix => PrefixName;

    public static InlineKeyboardMarkup Keyboard(Texts texts, string language, long reflectionId, bool shared) =>
        new(InlineKeyboardButton.WithCallbackData(
            texts.Get(language, shared ? "ReflectionUnshare" : "ReflectionShare"),
            $"{PrefixName}:{reflectionId.ToString(CultureInfo.InvariantCulture)}{(shared ? ":off" : "")}"));

    public async Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken)
    {
        var parts = data.Split(':');
        var share = parts.Length == 1;
        if (parts.Length is not (1 or 2) || (!share && parts[1] != "off")
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !await reflections.SetSharedAsync(id, query.From.Id, share, cancellationToken))
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "ShareRefused"));
            return;
        }

        if (share)
        {
            await points.AwardAsync(id, Points.Share, Points.ForSharing, cancellationToken);
        }
        else
        {
            await postedWalls.WithdrawAsync(id, cancellationToken);
        }

        await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, share ? "ReflectionShared" : "ReflectionUnshared"));
        if (query.Message is { Text: { } text } message)
        {
            await messenger.EditTextAsync(message.Chat.Id, message.Id, text, Keyboard(texts, language, id, shared: share), cancellationToken);
        }
    }
}

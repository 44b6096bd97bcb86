using StudyBot.Learners;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Telegram.Routing;

internal sealed class CommandContext(Message message, string arguments, Learner? learner, string language, bool isAdmin, BotMessenger messenger)
{
    public Message Message { get; } = message;
    public long ChatId => Message.Chat.Id;
    public string Arguments { get; } = arguments;

    // Null for a chat that never sent /start.
    public Learner? Learner { get; } = learner;

    public string Language { get; } = language;
    public bool IsAdmin { get; } = isAdmin;

    public string DisplayName =>
        Message.From is { } from
            ? string.Join(' ', new[] { from.FirstName, from.LastName }.Where(n => !string.IsNullOrWhiteSpace(n))) is { Length: > 0 } name ? name : from.Username ?? from.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : Message.Chat.Title ?? Message.Chat.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Task<SendOutcome> ReplyAsync(string text, CancellationToken cancellationToken, InlineKeyboardMarkup? keyboard = null) =>
        messenger.SendTextAsync(ChatId, text, cancellationToken, keyboard);
}

using StudyBot.Learners;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Telegram.Routing;

internal sealed class CommandContext(Message message, string arguments, Learner? learner, string language, ChatReplies replies)
{
    public Message Message { get; } = message;
    public long ChatId => Message.Chat.Id;
    public string Arguments { get; } = arguments;

    // Null for a chat that never sent /start.
    public Learner? Learner { get; } = learner;

    public string Language { get; } = language;
    public long UserId => Message.From?.Id ?? ChatId;

    public string DisplayName =>
        Message.From is { } from
            ? string.Join(' ', new[] { from.FirstName, from.LastName }.Where(n => !string.IsNullOrWhiteSpace(n))) is { Length: > 0 } name ? name : from.Username ?? from.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : Message.Chat.Title ?? Message.Chat.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string? Username => Message.From?.Username;

    // Queued behind this chat's earlier answers; the command goes on without waiting for Telegram.
    public void Reply(string text, InlineKeyboardMarkup? keyboard = null) =>
        replies.Queue(new OutgoingMessage(ChatId, text) { Keyboard = keyboard });

    // A file or a message whose outcome the command needs, sent after the answers queued before it.
    public Task<SendOutcome> SendInTurnAsync(Func<CancellationToken, Task<SendOutcome>> send, CancellationToken cancellationToken) =>
        replies.SendInTurnAsync(ChatId, send, cancellationToken);
}

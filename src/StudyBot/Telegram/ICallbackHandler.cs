using Telegram.Bot.Types;

namespace StudyBot.Telegram;

// An inline button press. Callback data is "prefix:..." and at most 64 bytes, so it carries ids only.
public interface ICallbackHandler
{
    string Prefix { get; }

    Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken);
}

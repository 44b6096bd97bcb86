using Telegram.Bot.Types;

namespace StudyBot.Telegram.Routing;

// An inline button press. Callback data is "prefix:..." and at most 64 bytes, so it carries ids only.
internal interface ICallbackHandler
{
    string Prefix { get; }

    Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken);
}

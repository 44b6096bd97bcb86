using Telegram.Bot.Types;

namespace StudyBot.Telegram.Routing;

// An inline button press. Callback data is "prefix:..." and at most 64 bytes, so it carries ids only.
internal interface ICallbackHandler
{
    string Prefix { get; }

    // Whether its buttons work in a group chat; a press there on any other is only answered.
    bool InGroupChats => false;

    Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken);
}

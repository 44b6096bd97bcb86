namespace StudyBot.FakeBotApi;

// One setMyCommands or deleteMyCommands request as the fake received it. ScopeType is Telegram's
// scope type ("default", "chat", "chat_administrators", "chat_member", ...; "default" when the
// request named none); ChatId is set for the chat scopes, UserId for "chat_member".
public sealed record CommandMenuCall(string ScopeType, long? ChatId, long? UserId, string? LanguageCode, IReadOnlyList<(string Command, string Description)> Commands)
{
    // A deleteMyCommands request: the scope's own menu is gone, and a wider scope's shows instead.
    public bool Deleted { get; init; }
}

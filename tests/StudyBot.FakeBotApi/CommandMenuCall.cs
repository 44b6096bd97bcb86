namespace StudyBot.FakeBotApi;

// One setMyCommands request as the fake received it. ScopeType is Telegram's scope type
// ("default", "chat", ...; "default" when the request named none); ChatId is set for chat scopes.
public sealed record CommandMenuCall(string ScopeType, long? ChatId, string? LanguageCode, IReadOnlyList<(string Command, string Description)> Commands);

namespace StudyBot.FakeBotApi;

// One answerCallbackQuery request: the press it answers and the notice shown, if any.
public sealed record ButtonAnswer(string CallbackQueryId, string? Text, bool ShowAlert);

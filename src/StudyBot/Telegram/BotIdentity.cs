namespace StudyBot.Telegram;

// The bot's own username, learned from getMe at start-up, to tell "/help@ThisBot" from "/help@OtherBot".
internal sealed class BotIdentity
{
    public string? Username { get; set; }
}

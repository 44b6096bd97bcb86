namespace StudyBot.Configuration;

internal sealed class TelegramOptions
{
    public const string Section = "Telegram";

    public string BotToken { get; set; } = "";
    public string ApiBaseUrl { get; set; } = "https://api.telegram.org";
    public TelegramMode Mode { get; set; } = TelegramMode.Polling;
    public string? WebhookUrl { get; set; }
    public string? WebhookSecret { get; set; }
    public int MaxMessagesPerSecond { get; set; } = 30;

    // Bulk sends carry allow_paid_broadcast, which lets Telegram take up to 1000 messages/s.
    public bool PaidBroadcast { get; set; }

    // Off only against a server without Telegram's limits (a local Bot API emulator, benchmarks).
    public bool EnforceLimits { get; set; } = true;

    // Telegram caps a long poll near 50 s; the client's own HTTP timeout is 100 s.
    public int PollTimeoutSeconds { get; set; } = 25;
}

internal enum TelegramMode
{
    Polling,
    Webhook,
}

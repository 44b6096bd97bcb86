namespace StudyBot.Telegram.Sending;

internal enum SendStatus
{
    Sent,

    // 403 or "chat not found": the learner is gone for us; retrying cannot help.
    Unreachable,

    // Network, 5xx, 429 past the client's own retries: worth another attempt later.
    Failed,
}

// MigratedToChatId: the group chat became a supergroup with this id (the message went there, if
// it was sent at all).
internal sealed record SendOutcome(SendStatus Status, long? MessageId = null, string? Error = null, long? MigratedToChatId = null)
{
    public static SendOutcome Sent(long messageId) => new(SendStatus.Sent, messageId);
}

namespace StudyBot.FakeBotApi;

// Telegram's sending limits as the fake enforces them when FakeBotApiServer.Limits is set.
// They apply to sendMessage, sendDocument, sendPhoto and copyMessage, measured at request arrival
// over sliding windows of accepted sends. A value of zero or less switches that one limit off.
public sealed class FakeLimits
{
    // More than this many accepted sends (to any chats) within any 1 s is refused.
    public int GlobalPerSecond { get; set; } = 30;

    // More than this many accepted sends to one private chat (chat_id > 0) within any 1 s is refused.
    public int PrivateChatPerSecond { get; set; } = 1;

    // More than this many accepted sends to one group (chat_id < 0) within any 60 s is refused.
    public int GroupPerMinute { get; set; } = 20;
}

using System.Text.Json.Nodes;

namespace StudyBot.FakeBotApi;

// What the bot sent, as the fake recorded it. Edits change Text in place and keep the history.
public sealed class SentMessage
{
    public required string Method { get; init; }
    public required long ChatId { get; init; }
    public required int MessageId { get; init; }
    public string Text { get; set; } = "";
    public JsonNode? ReplyMarkup { get; set; }
    public int? ReplyToMessageId { get; init; }
    public string? FileName { get; init; }
    public byte[]? FileContent { get; init; }
    public string? Caption { get; init; }

    // The request's `entities` array (or, for captions, `caption_entities`); null if absent.
    public JsonNode? Entities { get; init; }

    // The request's `allow_paid_broadcast` flag.
    public bool AllowPaidBroadcast { get; init; }

    // For copyMessage: where the copied message came from.
    public long? FromChatId { get; init; }
    public int? SourceMessageId { get; init; }
    public List<string> Edits { get; } = [];
    public required DateTime SentAtUtc { get; init; }

    public IReadOnlyList<(string Text, string Data)> Buttons =>
        ReplyMarkup?["inline_keyboard"]?.AsArray()
            .SelectMany(row => row!.AsArray())
            .Select(b => (b!["text"]!.GetValue<string>(), b["callback_data"]?.GetValue<string>() ?? ""))
            .ToList() ?? [];

    public override string ToString() => $"[{ChatId}#{MessageId} {Method}] {Text}";
}

namespace StudyBot.Delivery;

internal sealed class DeliveryRecord
{
    public long Id { get; set; }
    public long ChatId { get; set; }
    public DateOnly LocalDate { get; set; }
    public string Theme { get; set; } = "";
    public string Quote { get; set; } = "";
    public string Source { get; set; } = "";
    public string Prompt { get; set; } = "";
    public DateTime? SentUtc { get; set; }
    public long? MessageId { get; set; }
    public int Attempts { get; set; }
    public string? Failure { get; set; }
}

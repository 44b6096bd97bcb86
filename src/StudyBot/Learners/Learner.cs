namespace StudyBot.Learners;

internal sealed class Learner
{
    public long ChatId { get; set; }
    public string DisplayName { get; set; } = "";

    // Telegram's @username, without the @; null when the user has none.
    public string? Username { get; set; }
    public string Language { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public string DeliveryTime { get; set; } = "";
    public string Status { get; set; } = LearnerStatus.Active;
    public DateTime? NextDeliveryUtc { get; set; }
    public DateTime SubscribedUtc { get; set; }
    public long GroupId { get; set; } = StudyBot.Groups.StudyGroup.DefaultId;
    public DateTime? JoinedUtc { get; set; }

    // The missed day picked in /missed: the learner's next plain text answers it.
    public DateOnly? MakeupDate { get; set; }

    public TimeOnly DeliveryTimeOfDay => TimeOfDay.Parse(DeliveryTime);
    public TimeZoneInfo Zone => TimeZones.Get(TimeZone);
    public bool IsSubscribed => Status is LearnerStatus.Active or LearnerStatus.Paused;
}

internal static class LearnerStatus
{
    public const string Active = "active";
    public const string Paused = "paused";
    public const string Stopped = "stopped";

    // Telegram said 403 or "chat not found": nothing more is sent until the learner comes back.
    public const string Blocked = "blocked";
}

using StudyBot.Learners;

namespace StudyBot.Configuration;

internal sealed class BotOptions
{
    public const string Section = "Bot";

    public long[] AdminIds { get; set; } = [];
    public string TimeZone { get; set; } = "Asia/Shanghai";
    public string DeliveryTime { get; set; } = "08:00";
    public string Language { get; set; } = "zh-CN";

    // Language -> pack name that is active for that language (Bot:Packs:zh-CN).
    public Dictionary<string, string> Packs { get; set; } = [];

    // HH:MM in each learner's own time zone: those who got the day's prompt and have not answered
    // are nudged then. Unset (the default) means no automatic reminder; /remind still works.
    public string? ReminderTime { get; set; }

    // False: /start without an invite code asks for the group's invite link instead of joining the default group.
    public bool OpenJoin { get; set; } = true;

    public int SweepIntervalSeconds { get; set; } = 20;

    // Updates of different chats handled at once; one chat's updates stay in order.
    public int UpdateConcurrency { get; set; } = 128;

    // Where /exportall writes its files before sending them; unset: the system's temp folder.
    public string? TempFolder { get; set; }

    public bool IsAdmin(long userId) => AdminIds.Contains(userId);

    public string TempFolderPath => string.IsNullOrWhiteSpace(TempFolder) ? Path.GetTempPath() : TempFolder;

    public TimeOnly DefaultDeliveryTime => TimeOfDay.Parse(DeliveryTime);

    public TimeOnly? ReminderTimeOfDay => string.IsNullOrWhiteSpace(ReminderTime) ? null : TimeOfDay.Parse(ReminderTime);
}

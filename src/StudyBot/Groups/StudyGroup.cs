namespace StudyBot.Groups;

// A row of study_groups: what a group's organizers set with /groupset.
internal sealed class StudyGroup
{
    // The deployment's default group: everyone who joins without a code, and everything from before groups.
    public const long DefaultId = 1;

    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string JoinCode { get; set; } = "";
    public string OrganizerCode { get; set; } = "";
    public DateTime OrganizerCodeExpiresUtc { get; set; }
    public string Language { get; set; } = "";
    public string DeliveryTime { get; set; } = "";
    public string TimeZone { get; set; } = "";

    // Null: the active pack of the group's language.
    public string? PackName { get; set; }

    // Null: the pack's own start date (the default group after the upgrade, as before groups).
    public DateOnly? StartDate { get; set; }
    public DateOnly? EndDate { get; set; }
    public int StudyDays { get; set; } = Groups.StudyDays.Every;
    public int MakeupDays { get; set; } = 2;
    public bool Points { get; set; }
    public bool Leaderboard { get; set; }
    public bool Wall { get; set; } = true;
    public string WallTime { get; set; } = "21:00";

    // Null: no automatic reminder.
    public string? ReminderTime { get; set; }
    // The Telegram group chat the day's item is posted in (/link), its title then, and who linked it.
    public long? LinkedChatId { get; set; }
    public string? LinkedChatTitle { get; set; }
    public long? LinkedByUserId { get; set; }
    public DateTime CreatedUtc { get; set; }

    public StudyGroup Copy() => (StudyGroup)MemberwiseClone();
}

// A group as /groups lists it.
internal sealed class GroupSummary
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public long Members { get; set; }
}

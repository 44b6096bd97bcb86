namespace StudyBot.Bench;

// One group of N members with `days` days of history, seeded as the organizer scenario seeds it
// (OrganizerHistory, every day a study day): the database of the report and dashboard scenarios.
internal static class OneLargeGroup
{
    // OrganizerHistory's first group (id 2) lives in its zones[2 % 3].
    public const long GroupId = 2;
    public const string GroupZone = "America/New_York";

    // Starts the bot once so its migrations create the schema, then seeds while it is stopped.
    // Returns the group's local today, the last day of the history.
    public static async Task<(DateOnly Today, OrganizerHistory.Seeded Seeded)> SeedAsync(FakeTelegram fake, BotSettings settings, BenchDatabase database, int members, int days)
    {
        await using (await BotProcess.StartPollingAsync(fake, settings, database.Folder))
        {
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById(GroupZone)));
        var seeded = OrganizerHistory.Seed(database, members, groups: 1, days, today);
        Console.WriteLine($"  seeded {seeded.Members:N0} members, {seeded.Deliveries:N0} deliveries and {seeded.Reflections:N0} reflections in {seeded.Seconds:F1} s; starting the bot");
        return (today, seeded);
    }
}

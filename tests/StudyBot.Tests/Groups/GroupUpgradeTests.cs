using Microsoft.Extensions.DependencyInjection;
using StudyBot.Data;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Groups;

public sealed class GroupUpgradeTests
{
    private const string LearnerColumns = "chat_id, display_name, language, time_zone, delivery_time, status, next_delivery_utc, subscribed_utc, updated_utc";

    [Fact]
    public async Task A_database_from_before_groups_upgrades_into_the_default_group_with_nothing_changed_for_its_learners()
    {
        await using var world = await TestWorld.CreateAsync();
        world.Settings["Bot:Language"] = "en";
        world.Settings["Bot:DeliveryTime"] = "07:30";
        world.Settings["Bot:TimeZone"] = "Europe/Berlin";
        world.Settings["Bot:ReminderTime"] = "20:00";

        // The schema as the release before groups left it, with learners who wrote.
        using (var before = world.BuildBot())
        {
            await before.Services.GetRequiredService<MigrationRunner>().ApplyPendingAsync(CancellationToken.None, upToVersion: 8);
        }

        await world.Db.AddLearnerAsync(1, "Ann");
        await world.Db.AddLearnerAsync(2, "Bo", status: "paused", language: "en", zone: "Europe/Berlin");
        await world.Db.ExecuteAsync("UPDATE learners SET next_delivery_utc = '2026-12-08 00:00:00' WHERE chat_id = 1");
        foreach (var chat in new long[] { 1, 2 })
        {
            await world.Db.AddReflectionAsync(chat, await world.Db.AddDeliveryAsync(chat, "2026-12-06"), $"what {chat} wrote");
        }

        var learnersBefore = await SnapshotAsync(world, $"SELECT {LearnerColumns} FROM learners ORDER BY chat_id");
        var reflectionsBefore = await SnapshotAsync(world, "SELECT r.chat_id, r.text, d.local_date, d.quote FROM reflections r JOIN deliveries d ON d.id = r.delivery_id ORDER BY r.chat_id");

        await world.StartBotAsync();

        Assert.Equal(learnersBefore, await SnapshotAsync(world, $"SELECT {LearnerColumns} FROM learners ORDER BY chat_id"));
        Assert.Equal(reflectionsBefore, await SnapshotAsync(world, "SELECT r.chat_id, r.text, d.local_date, d.quote FROM reflections r JOIN deliveries d ON d.id = r.delivery_id ORDER BY r.chat_id"));
        Assert.Equal(2, await world.Db.CountAsync("learners", "group_id = 1 AND joined_utc = subscribed_utc"));
        Assert.Equal(2, await world.Db.CountAsync("deliveries", "group_id = 1"));
        Assert.Equal(2, await world.Db.CountAsync("reflections", "group_id = 1"));

        // The default group's settings come from the configuration.
        var group = (await world.Db.QueryAsync<string>("SELECT language || ' ' || delivery_time || ' ' || time_zone || ' ' || reminder_time FROM study_groups WHERE id = 1")).Single();
        Assert.Equal("en 07:30 Europe/Berlin 20:00", group);
        Assert.Equal(1, await world.Db.CountAsync("study_groups"));

        // The learners go on as before: their history reads back, and /today answers.
        var history = await world.Learner(1).SendAsync("/history");
        Assert.Contains("what 1 wrote", history.Text, StringComparison.Ordinal);
        var today = await world.Learner(1).SendAsync("/today");
        Assert.False(string.IsNullOrWhiteSpace(today.Text));
        Assert.Equal(1, await world.Db.CountAsync("deliveries", "chat_id = 1 AND group_id = 1 AND local_date = '2026-12-07'"));
    }

    // Every row as text, so two reads compare column by column whatever the engine's types.
    private static async Task<List<string>> SnapshotAsync(TestWorld world, string sql)
    {
        var rows = await world.Db.QueryAsync<dynamic>(sql);
        return rows.Select(row => string.Join(" | ", ((IDictionary<string, object?>)row).Select(c => $"{c.Key}={c.Value}"))).ToList();
    }
}

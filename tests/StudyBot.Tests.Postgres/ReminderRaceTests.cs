using Npgsql;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests;

// PostgreSQL only: there several writers (of one instance or of several) commit side by side, so a
// reminder can be claimed while a reflection on the same prompt is saved but not yet committed.
public sealed class ReminderRaceTests
{
    private const long Admin = 900;

    [Fact]
    public async Task A_prompt_whose_reflection_is_being_saved_at_the_moment_of_a_reminder_gets_no_nudge()
    {
        await using var world = await TestWorld.StartAsync(new DateTimeOffset(2026, 12, 7, 2, 0, 0, TimeSpan.Zero));
        var learner = world.Learner(1);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");
        await world.OutboxDrainedAsync();
        var deliveryId = await world.Db.ScalarAsync<long>("SELECT id FROM deliveries WHERE chat_id = 1");

        // Another writer has inserted the learner's reflection and not committed yet.
        await using var other = new NpgsqlConnection(world.ConnectionString);
        await other.OpenAsync();
        await using var saving = await other.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO reflections (chat_id, message_id, delivery_id, text, created_utc, updated_utc) VALUES (1, 4242, @DeliveryId, '今天读完了这一章。', now(), now())",
            other,
            saving))
        {
            insert.Parameters.AddWithValue("DeliveryId", deliveryId);
            await insert.ExecuteNonQueryAsync();
        }

        var reply = await world.Learner(Admin).SendAsync("/remind");
        await saving.CommitAsync();

        Assert.Contains("无需提醒", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, await world.Db.CountAsync("reminders"));
        await learner.AssertNothingMoreAsync(2);
    }
}

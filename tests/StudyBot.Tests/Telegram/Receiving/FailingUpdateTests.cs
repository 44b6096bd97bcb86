using StudyBot.Telegram.Receiving;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Telegram.Receiving;

public sealed class FailingUpdateTests
{
    private const string Apology = "抱歉";

    [Fact]
    public async Task An_update_that_fails_every_time_is_tried_three_times_then_set_aside_and_the_owners_told_once()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        var prompt = await learner.SendAsync("/today");
        await RefuseReflectionsAsync(world);

        world.Api.UserSends(42, "My private thoughts; refuse me", replyTo: prompt.MessageId);
        var updateId = world.Api.AllUpdates[^1].Id;

        // Each retry waits on the clock.
        await AdvanceUntilAsync(world, async () => await AttemptsAsync(world, updateId) == 2, "the second attempt");
        await AdvanceUntilAsync(world, async () => await world.Db.CountAsync("inbound_updates", $"update_id = {updateId} AND failed_utc IS NOT NULL") == 1, "the update is set aside");

        Assert.Equal(3, await AttemptsAsync(world, updateId));
        Assert.Contains("refused by a test trigger", await world.Db.ScalarAsync<string>($"SELECT error FROM inbound_updates WHERE update_id = {updateId}"));
        Assert.Contains("My private thoughts", await world.Db.ScalarAsync<string>($"SELECT payload FROM inbound_updates WHERE update_id = {updateId}"));

        var notice = await world.Api.WaitForMessageAsync(TestWorld.AdminId);
        Assert.Contains(updateId.ToString(System.Globalization.CultureInfo.InvariantCulture), notice.Text);
        Assert.Contains("42", notice.Text);
        Assert.Contains("refused by a test trigger", notice.Text);
        Assert.DoesNotContain("private thoughts", notice.Text);
        Assert.DoesNotContain("\n", notice.Text);
        await world.Api.WaitForMessageAsync(42, m => m.Text.Contains(Apology, StringComparison.Ordinal));

        // The chat's next update is handled, and nothing of the failed one stays in memory.
        var saved = await learner.SendAsync("A thought the database takes", replyTo: prompt.MessageId);
        Assert.StartsWith("已保存你的感想", saved.Text, StringComparison.Ordinal);
        await TestWorld.EventuallyAsync(() => Task.FromResult(world.Get<ChatLanes>().Remembered == 0), "the lanes forget every update they settled");

        // A restart does not replay it: the first update after the start is answered after the
        // start's replay, and by then nothing more was tried or said.
        await world.StopBotAsync();
        await world.StartBotAsync();
        var again = await learner.SendAsync("/start");
        Assert.Contains("08:00", again.Text);
        Assert.Equal(3, await AttemptsAsync(world, updateId));
        Assert.Single(world.Api.SentTo(TestWorld.AdminId));
        Assert.Single(world.Api.SentTo(42), m => m.Text.Contains(Apology, StringComparison.Ordinal));
    }

    // A real fault on the handler's way: the database refuses this one reflection, every time.
    private static Task<int> RefuseReflectionsAsync(TestWorld world) => world.Db.ExecuteAsync(TestWorld.OnPostgres
        ? """
          CREATE FUNCTION refuse_reflection() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
              IF NEW.text LIKE '%refuse me%' THEN
                  RAISE EXCEPTION 'refused by a test trigger';
              END IF;
              RETURN NEW;
          END $$;
          CREATE TRIGGER refuse_reflection BEFORE INSERT ON reflections FOR EACH ROW EXECUTE FUNCTION refuse_reflection();
          """
        : """
          CREATE TRIGGER refuse_reflection BEFORE INSERT ON reflections
          WHEN NEW.text LIKE '%refuse me%'
          BEGIN
              SELECT RAISE(ABORT, 'refused by a test trigger');
          END;
          """);

    private static Task<long> AttemptsAsync(TestWorld world, long updateId) =>
        world.Db.ScalarAsync<long>($"SELECT attempts FROM inbound_updates WHERE update_id = {updateId}");

    // A second of the fake clock at a time: the retry's timer is armed a moment after the failure
    // is counted, so a single jump could come before it.
    private static Task AdvanceUntilAsync(TestWorld world, Func<Task<bool>> condition, string what) =>
        TestWorld.EventuallyAsync(async () =>
        {
            if (await condition())
            {
                return true;
            }

            world.Clock.Advance(TimeSpan.FromSeconds(1));
            return false;
        }, what, TimeSpan.FromSeconds(30));
}

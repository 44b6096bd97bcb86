using Quartz;
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

    [Fact]
    public async Task A_stored_update_that_no_longer_reads_is_set_aside_and_the_others_are_handled()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await world.StopBotAsync();

        // Rows a crash left pending: one whose payload no client reads any more, and a /today after it.
        await StoreRowAsync(world, 99990, 42, """{"update_id": 99990, "message": {"message_id": "not a number"}}""", "2026-12-07 02:00:00");
        await StoreRowAsync(world, 99991, 42, WebhookTests.UpdateJson(99991, 42, "/today"), "2026-12-07 02:00:00");

        await world.StartBotAsync();

        var prompt = await learner.NextAsync(1);
        Assert.Contains("思考", prompt.Text);
        var notice = await world.Api.WaitForMessageAsync(TestWorld.AdminId);
        Assert.Contains("99990", notice.Text);
        Assert.Equal(1, await world.Db.CountAsync("inbound_updates", "update_id = 99990 AND failed_utc IS NOT NULL AND error LIKE '%cannot be read%'"));
    }

    [Fact]
    public async Task The_prune_job_sets_aside_what_is_still_pending_a_day_after_it_arrived_and_logs_it()
    {
        await using var world = await TestWorld.StartAsync();

        // The clock says 2026-12-07 02:00 UTC. Stored after the start's replay, so only the job sees them.
        await StoreRowAsync(world, 99990, 42, "{}", "2026-12-06 01:00:00");
        await StoreRowAsync(world, 99991, 42, "{}", "2026-12-07 01:00:00");

        var scheduler = await world.Get<ISchedulerFactory>().GetScheduler();
        await scheduler.TriggerJob(InboxPruneJob.Key);

        await TestWorld.EventuallyAsync(
            async () => await world.Db.CountAsync("inbound_updates", "update_id = 99990 AND failed_utc IS NOT NULL") == 1,
            "the day-old update is set aside");
        Assert.Equal(1, await world.Db.CountAsync("inbound_updates", "update_id = 99990 AND error LIKE '%24 hours%'"));
        Assert.Equal(1, await world.Db.CountAsync("inbound_updates", "update_id = 99991 AND failed_utc IS NULL AND handled_utc IS NULL"));
        await TestWorld.EventuallyAsync(
            () => Task.FromResult(world.Logs.Lines.Any(l => l.Contains("Set aside 1 updates not handled within 24 hours", StringComparison.Ordinal))),
            "the job logs it");
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

    // The state a crash (or an outage) leaves: stored, its offset confirmed, not handled.
    internal static Task<int> StoreRowAsync(TestWorld world, long updateId, long chatId, string payload, string receivedUtc) =>
        world.Db.ExecuteAsync(
            $"INSERT INTO inbound_updates (update_id, chat_id, payload, received_utc) VALUES (@UpdateId, @ChatId, @Payload, '{receivedUtc}')",
            new { UpdateId = updateId, ChatId = chatId, Payload = payload });
}

using StudyBot.Telegram.Receiving;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Telegram.Receiving;

public sealed class ReplayTests
{
    [Fact]
    public async Task A_long_backlog_is_replayed_a_page_at_a_time_as_the_lanes_make_room()
    {
        const int Backlog = 600;
        await using var world = await TestWorld.StartAsync();
        await world.StopBotAsync();

        // What a long outage leaves: one update from each of many chats, none of them handled.
        await world.Db.ExecuteAsync(
            $$$"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {{{Backlog}}})
            INSERT INTO inbound_updates (update_id, chat_id, payload, received_utc)
            SELECT 50000 + i, i,
                   '{"update_id":' || (50000 + i) || ',"message":{"message_id":' || i || ',"date":1796608800,"chat":{"id":' || i || ',"type":"private"},"text":"hello"}}',
                   '2026-12-07 02:00:00'
            FROM n
            """);

        // Every reply waits at the fake, so what the replay has queued stays in flight.
        world.Api.HoldSendsTo(Enumerable.Range(1, Backlog).Select(i => (long)i));
        await world.StartBotAsync();
        var lanes = world.Get<ChatLanes>();
        await world.Api.WaitUntilAsync(() => world.Api.SendsHeld() >= 50 ? "" : null, TimeSpan.FromSeconds(30));
        Assert.InRange(lanes.InFlight, 1, ChatLanes.MaxInFlight);

        world.Api.ReleaseSends();
        await TestWorld.EventuallyAsync(
            async () => await world.Db.CountAsync("inbound_updates", "handled_utc IS NULL") == 0,
            "the whole backlog is handled",
            TimeSpan.FromSeconds(60));
        Assert.Equal(Backlog, world.Api.AllSent.Count(m => m.ChatId is >= 1 and <= Backlog));
    }
}

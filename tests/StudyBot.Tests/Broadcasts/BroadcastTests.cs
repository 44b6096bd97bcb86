using StudyBot.FakeBotApi;
using StudyBot.Tests.Infrastructure;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace StudyBot.Tests.Broadcasts;

// (Over 300 lines: one broadcast's life, from draft to final count, with its failures, in one place.)
public sealed class BroadcastTests
{
    private const long Admin = 900;

    private static async Task<SentMessage> DraftAsync(TestWorld world, string text, IEnumerable<MessageEntity>? entities = null)
    {
        var before = world.Api.SentTo(Admin).Count;
        world.Api.UserSends(Admin, text, entities: entities);
        await world.Api.WaitForNthMessageAsync(Admin, before + 2);
        return world.Api.SentTo(Admin)[before + 1];
    }

    // The notice drafted and confirmed, its copies to these recipients held at the fake until released.
    private static async Task ConfirmWithCopiesHeldAsync(TestWorld world, IEnumerable<long> recipients)
    {
        world.Api.HoldSendsTo(recipients);
        var preview = await DraftAsync(world, "/broadcast Notice");
        world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[0].Data, fromId: Admin);
        await world.UpdatesHandledAsync(Admin);
    }

    private static Task<SentMessage> FinalReportAsync(TestWorld world, TimeSpan timeout) =>
        world.Api.WaitUntilAsync(() => world.Api.SentTo(Admin).FirstOrDefault(m => m.Text.Contains("已完成", StringComparison.Ordinal)), timeout);

    [Fact]
    public async Task Broadcast_shows_a_preview_and_on_confirm_reaches_every_active_subscriber_once_with_the_admins_formatting()
    {
        await using var world = await TestWorld.StartAsync();
        await world.Db.SeedLearnersAsync(Enumerable.Range(1, 5).Select(i => (long)i));
        await world.Db.SeedLearnersAsync([6], status: "paused");
        await world.Db.SeedLearnersAsync([7], status: "stopped");

        // "/broadcast " is 11 UTF-16 units; "明天" is bold and the link covers "学习".
        var text = "/broadcast 明天 19:00 集体学习，地点见群公告。";
        var preview = await DraftAsync(world, text,
        [
            new MessageEntity { Type = MessageEntityType.Bold, Offset = 11, Length = 2 },
            new MessageEntity { Type = MessageEntityType.TextLink, Offset = 21, Length = 2, Url = "https://example.org/notice" },
        ]);

        Assert.Equal("明天 19:00 集体学习，地点见群公告。", preview.Text);
        Assert.Contains("将发送给 5 位活跃订阅者", world.Api.SentTo(Admin)[0].Text);
        Assert.Contains("“全部发送”", world.Api.SentTo(Admin)[0].Text);
        Assert.Equal(2, preview.Buttons.Count);
        Assert.Equal(0, await world.Db.CountAsync("outbox"));

        world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[0].Data, fromId: Admin);
        var report = await FinalReportAsync(world, TimeSpan.FromSeconds(20));

        Assert.Contains("送达 5，已屏蔽 0，失败 0（共 5）", report.Text);
        var counts = world.Api.SentCountByChat();
        foreach (var chat in Enumerable.Range(1, 5))
        {
            Assert.Equal(1, counts[chat]);
            var received = Assert.Single(world.Api.SentTo(chat));
            Assert.Equal(preview.Text, received.Text);
            var entities = received.Entities!.AsArray();
            Assert.Equal("bold", entities[0]!["type"]!.GetValue<string>());
            Assert.Equal(0, entities[0]!["offset"]!.GetValue<int>());
            Assert.Equal("text_link", entities[1]!["type"]!.GetValue<string>());
            Assert.Equal(10, entities[1]!["offset"]!.GetValue<int>());
            Assert.Equal("https://example.org/notice", entities[1]!["url"]!.GetValue<string>());
        }

        Assert.False(counts.ContainsKey(6));
        Assert.False(counts.ContainsKey(7));
    }

    [Fact]
    public async Task Cancel_sends_nothing_and_a_second_press_changes_nothing()
    {
        await using var world = await TestWorld.StartAsync();
        await world.Db.SeedLearnersAsync([1, 2]);
        var preview = await DraftAsync(world, "/broadcast Notice");

        world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[1].Data, fromId: Admin);
        var cancelled = await world.Api.WaitForNthMessageAsync(Admin, 3);
        world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[0].Data, fromId: Admin);
        var again = await world.Api.WaitForNthMessageAsync(Admin, 4);

        Assert.Contains("已取消", cancelled.Text);
        Assert.Contains("已经确认或取消", again.Text);
        Assert.Empty(world.Api.SentTo(1));
        Assert.Equal(0, await world.Db.CountAsync("outbox"));
    }

    [Fact]
    public async Task A_non_admin_is_refused_in_one_line_nothing_is_sent_and_the_attempt_is_logged()
    {
        await using var world = await TestWorld.StartAsync();
        await world.Db.SeedLearnersAsync([1, 2]);

        var reply = await world.Learner(2).SendAsync("/broadcast Free pizza");

        Assert.Contains("/broadcast", reply.Text);
        Assert.DoesNotContain('\n', reply.Text);
        Assert.Empty(world.Api.SentTo(1));
        Assert.Equal(0, await world.Db.CountAsync("broadcasts"));
        Assert.Contains(world.Logs.Lines, l => l.Contains("User 2 may not use /broadcast and was refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_non_admin_pressing_the_confirm_button_sends_nothing()
    {
        await using var world = await TestWorld.StartAsync();
        await world.Db.SeedLearnersAsync([1, 2]);
        var preview = await DraftAsync(world, "/broadcast Notice");

        world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[0].Data, fromId: 2);
        await world.UpdatesHandledAsync();

        Assert.Empty(world.Api.SentTo(1));
        Assert.Equal("draft", await world.Db.ScalarAsync<string>("SELECT status FROM broadcasts"));
    }

    [Fact]
    public async Task A_forged_or_unknown_button_is_refused_in_a_line_and_changes_nothing()
    {
        await using var world = await TestWorld.StartAsync();
        await world.Db.SeedLearnersAsync([1, 2]);
        var preview = await DraftAsync(world, "/broadcast Notice");
        var id = await world.Db.ScalarAsync<long>("SELECT id FROM broadcasts");
        Assert.Equal([$"bc:{id}:ok", $"bc:{id}:no"], preview.Buttons.Select(b => b.Data));

        foreach (var data in new[] { $"bc:{id}:yes", $"bc:{id}:OK", $"bc:{id}:ok:", $"bc:{id}", $"bc:0{id}:ok", $"bc:+{id}:ok", $"bc: {id}:ok", "bc::ok", "bc", $"bc:{id + 1}:ok" })
        {
            var press = world.Api.UserPresses(Admin, preview.MessageId, data, fromId: Admin);
            var answer = await world.Api.WaitForButtonAnswerAsync(press);
            Assert.Equal("无法识别的通知按钮，未发送任何内容。", answer.Text);
        }

        Assert.Equal("draft", await world.Db.ScalarAsync<string>("SELECT status FROM broadcasts"));
        Assert.Equal(0, await world.Db.CountAsync("outbox"));
        Assert.Equal(2, world.Api.SentTo(Admin).Count);

        // The draft is as it was: its own button still sends it.
        world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[0].Data, fromId: Admin);
        Assert.Contains("送达 2，已屏蔽 0，失败 0（共 2）", (await FinalReportAsync(world, TimeSpan.FromSeconds(20))).Text);
    }

    [Fact]
    public async Task A_draft_pressed_a_day_after_its_preview_has_expired_and_sends_nothing()
    {
        await using var world = await TestWorld.StartAsync();
        await world.Db.SeedLearnersAsync([1, 2]);
        var old = await DraftAsync(world, "/broadcast Old notice");
        world.Clock.Advance(TimeSpan.FromHours(2));
        var recent = await DraftAsync(world, "/broadcast Recent notice");
        world.Clock.Advance(TimeSpan.FromHours(23));

        var oldId = await world.Db.ScalarAsync<long>("SELECT MIN(id) FROM broadcasts");
        foreach (var button in old.Buttons)
        {
            var press = world.Api.UserPresses(Admin, old.MessageId, button.Data, fromId: Admin);
            var answer = await world.Api.WaitForButtonAnswerAsync(press);
            Assert.Equal($"第 {oldId} 号通知已过期：草稿须在一天内发送。未发送任何内容，请重新使用 /broadcast。", answer.Text);
        }

        Assert.Equal("draft", await world.Db.ScalarAsync<string>("SELECT status FROM broadcasts WHERE id = @Id", new { Id = oldId }));
        Assert.Equal(0, await world.Db.CountAsync("outbox"));
        Assert.Equal(4, world.Api.SentTo(Admin).Count);

        // 23 hours old: still a draft that sends.
        world.Api.UserPresses(Admin, recent.MessageId, recent.Buttons[0].Data, fromId: Admin);
        Assert.Contains("送达 2，已屏蔽 0，失败 0（共 2）", (await FinalReportAsync(world, TimeSpan.FromSeconds(20))).Text);
        Assert.Equal("Recent notice", Assert.Single(world.Api.SentTo(1)).Text);
    }

    [Fact]
    public async Task Broadcast_without_text_explains_and_creates_nothing()
    {
        await using var world = await TestWorld.StartAsync();

        var reply = await world.Learner(Admin).SendAsync("/broadcast   ");

        Assert.Contains("/broadcast", reply.Text);
        Assert.Equal(0, await world.Db.CountAsync("broadcasts"));
    }

    [Fact]
    public async Task Transient_failures_are_retried_and_permanent_ones_are_reported_in_the_counts()
    {
        await using var world = await TestWorld.StartAsync();
        await world.Db.SeedLearnersAsync(Enumerable.Range(1, 10).Select(i => (long)i));
        world.Api.FailNextFor(1, 2, 502, "Bad Gateway");
        world.Api.DropNext("sendMessage", 1);
        world.Api.BlockChat(2);
        world.Api.ChatNotFound(3);
        world.Api.FailNextFor(4, 1, 400, "Bad Request: message is too long");
        world.Api.FailNextFor(5, 9, 500, "Internal Server Error");

        var preview = await DraftAsync(world, "/broadcast Notice");
        world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[0].Data, fromId: Admin);
        var report = await FinalReportAsync(world, TimeSpan.FromSeconds(30));

        Assert.Contains("送达 6，已屏蔽 2，失败 2（共 10）", report.Text);
        Assert.Equal(1, world.Api.SentCountByChat()[1]);
        Assert.Equal(("failed", "400: Bad Request: message is too long"), Assert.Single(await world.Db.QueryAsync<(string, string)>("SELECT status, error FROM outbox WHERE chat_id = 4")));
        Assert.Equal("failed", await world.Db.ScalarAsync<string>("SELECT status FROM outbox WHERE chat_id = 5"));
        Assert.Equal(new[] { "blocked", "blocked" }, await world.Db.QueryAsync<string>("SELECT status FROM learners WHERE chat_id IN (2, 3)"));
    }

    // Slow: 1000 sends at Telegram's 30 a second take over half a minute.
    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_1000_recipient_broadcast_under_Telegrams_limits_reaches_everyone_exactly_once_without_a_violation()
    {
        await using var world = await TestWorld.StartAsync(settings: s => s["Telegram:EnforceLimits"] = "true");
        world.Api.Limits = new FakeLimits();
        await world.Db.SeedLearnersAsync(Enumerable.Range(1, 1000).Select(i => (long)i));
        world.Api.BlockChat(10);
        world.Api.BlockChat(20);
        world.Api.FailNextFor(30, 1, 429, "Too Many Requests: retry after 1", retryAfter: 1);
        world.Api.FailNextFor(40, 1, 429, "Too Many Requests: retry after 2", retryAfter: 2);

        var preview = await DraftAsync(world, "/broadcast 本周学习安排已更新。");
        world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[0].Data, fromId: Admin);
        var report = await FinalReportAsync(world, TimeSpan.FromSeconds(90));

        Assert.Contains("送达 998，已屏蔽 2，失败 0（共 1000）", report.Text);
        // Chat 900 is the admin's, also a subscriber: the preview and the reports go there too.
        var counts = world.Api.SentCountByChat();
        Assert.Equal(998, counts.Count(c => c.Key is >= 1 and <= 1000));
        Assert.All(counts.Where(c => c.Key is >= 1 and <= 1000 and not Admin), c => Assert.Equal(1, c.Value));
        Assert.Single(world.Api.SentTo(Admin), m => m.Text == preview.Text && m.Buttons.Count == 0);
        Assert.Equal(0, world.Api.GlobalLimitHits);
        Assert.Equal(0, world.Api.ChatLimitHits);
        Assert.Equal(2, world.Api.TooManyRequestsAnswered);

        // The status message was edited with progress on the way.
        var status = world.Api.SentTo(Admin).Single(m => m.Text == report.Text);
        Assert.Contains(status.Edits, e => e.Contains(" / 1000", StringComparison.Ordinal));
        Assert.Equal(1, await world.Db.CountAsync("outbox", "chat_id = 10 AND status = 'unreachable' AND attempts = 1"));
    }

    [Fact]
    public async Task The_status_message_is_never_edited_with_the_text_it_already_shows()
    {
        var recipients = Enumerable.Range(1, 5).Select(i => (long)i).ToList();
        await using var world = await TestWorld.StartAsync();
        await world.Db.SeedLearnersAsync(recipients);

        // No copy is answered until the confirmation has been handled: the count still reads 0 / 5
        // when the bot first reports on the status message it has just sent.
        await ConfirmWithCopiesHeldAsync(world, recipients);
        world.Api.ReleaseSends();
        var report = await FinalReportAsync(world, TimeSpan.FromSeconds(20));

        Assert.Contains("送达 5，已屏蔽 0，失败 0（共 5）", report.Text);
        Assert.Equal(0, world.Api.EditsNotModified);

        // The note, the preview, and one status message, edited from start to end.
        Assert.Equal(3, world.Api.SentTo(Admin).Count);
    }

    [Fact]
    public async Task The_final_count_follows_the_last_copy_at_once_while_other_bulk_messages_wait()
    {
        var recipients = Enumerable.Range(1, 100).Select(i => (long)i).ToList();
        var others = Enumerable.Range(100_001, 64).Select(i => (long)i).ToList();
        await using var world = await TestWorld.StartAsync();
        await world.Db.SeedLearnersAsync(recipients);

        // The copies wait until other bulk messages (as the daily prompts would be) are queued
        // behind them.
        await ConfirmWithCopiesHeldAsync(world, recipients);
        await world.Db.ExecuteAsync(
            """
            INSERT INTO outbox (chat_id, kind, priority, text, status, created_utc)
            SELECT chat_id + 100000, 'reminder', priority, 'Reminder', 'pending', created_utc
            FROM outbox WHERE broadcast_id IS NOT NULL AND chat_id <= 64
            """);

        // Then the copies go, and the others are held (long before the senders reach them, behind
        // 84 copies): the outbox stays busy, every sender waiting, until the test lets them go.
        world.Api.ReleaseSends();
        world.Api.HoldSendsTo(others);
        try
        {
            var report = await FinalReportAsync(world, TimeSpan.FromSeconds(20));
            var shownAt = DateTime.UtcNow;

            Assert.Contains("送达 100，已屏蔽 0，失败 0（共 100）", report.Text);
            var lastCopy = world.Api.AllSent.Where(m => m.ChatId is >= 1 and <= 100).Max(m => m.SentAtUtc);
            Assert.InRange(shownAt - lastCopy, TimeSpan.Zero, TimeSpan.FromSeconds(2));
            Assert.True(world.Api.SendsHeld() > 0, "the other messages were not waiting: the outbox was idle");
        }
        finally
        {
            world.Api.ReleaseSends();
        }
    }

    [Fact]
    public async Task Paid_broadcast_marks_bulk_sends_with_allow_paid_broadcast_and_replies_without()
    {
        await using var world = await TestWorld.StartAsync(settings: s =>
        {
            s["Telegram:PaidBroadcast"] = "true";
            s["Telegram:MaxMessagesPerSecond"] = "1000";
        });
        await world.Db.SeedLearnersAsync([1, 2, 3]);

        var preview = await DraftAsync(world, "/broadcast Notice");
        world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[0].Data, fromId: Admin);
        await FinalReportAsync(world, TimeSpan.FromSeconds(20));

        Assert.All(new long[] { 1, 2, 3 }, chat => Assert.True(Assert.Single(world.Api.SentTo(chat)).AllowPaidBroadcast));
        Assert.All(world.Api.SentTo(Admin), m => Assert.False(m.AllowPaidBroadcast));
    }
}

using System.Diagnostics;
using StudyBot.FakeBotApi;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace StudyBot.Tests.Telegram;

// The fake Telegram itself, driven through the real Telegram.Bot client the bot uses.
// (Over 300 lines: every behaviour of private chats the bot's tests rely on has its test here;
// those of group chats are in FakeBotApiTests.Groups.cs.)
public sealed partial class FakeBotApiTests : IAsyncLifetime, IDisposable
{
    private FakeBotApiServer server = null!;
    private HttpClient http = null!;
#pragma warning disable CA1859 // the interface, as the bot holds it: the concrete type is banned
    private ITelegramBotClient bot = null!;
#pragma warning restore CA1859

    public async Task InitializeAsync()
    {
        server = await FakeBotApiServer.StartAsync();
        http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        // The fake's own tests need a client of their own: no bot runs here to register one.
#pragma warning disable RS0030
        bot = new TelegramBotClient(new TelegramBotClientOptions(FakeBotApiServer.DefaultToken, server.BaseUrl) { RetryThreshold = 0 }, http);
#pragma warning restore RS0030

        // Warm up the connection and both sides' JIT so timing-sensitive tests measure the fake, not startup.
        await bot.GetMe();
        await bot.SendMessage(1, "warm-up");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => http?.Dispose();

    private async Task<ApiRequestException?> TrySendAsync(long chatId, string text)
    {
        try
        {
            await bot.SendMessage(chatId, text);
            return null;
        }
        catch (ApiRequestException e)
        {
            return e;
        }
    }

    // ---- limits ----

    [Fact]
    public async Task Limits_are_off_by_default()
    {
        Assert.Null(server.Limits);
        for (var i = 0; i < 5; i++)
        {
            await bot.SendMessage(2, $"quick {i}");
        }

        for (var chat = 100; chat < 140; chat++)
        {
            await bot.SendMessage(chat, "hello");
        }

        for (var i = 0; i < 25; i++)
        {
            await bot.SendMessage(-1001, $"group {i}");
        }

        Assert.Equal(5, server.SentCountByChat()[2]);
        Assert.Equal(25, server.SentCountByChat()[-1001]);
        Assert.Equal(0, server.TooManyRequestsAnswered);
        Assert.Equal(0, server.GlobalLimitHits + server.ChatLimitHits + server.GroupLimitHits);
    }

    [Fact]
    public async Task Two_quick_sends_to_one_private_chat_get_429_and_the_second_is_not_recorded()
    {
        server.Limits = new FakeLimits();

        await bot.SendMessage(7, "first");
        var refused = await Assert.ThrowsAsync<ApiRequestException>(() => bot.SendMessage(7, "second"));

        Assert.Equal(429, refused.ErrorCode);
        Assert.Contains("Too Many Requests: retry after", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(refused.Parameters?.RetryAfter);
        Assert.InRange(refused.Parameters!.RetryAfter!.Value, 1, 1);
        Assert.Equal(1, server.ChatLimitHits);
        Assert.Equal(0, server.GlobalLimitHits);
        Assert.Equal(1, server.TooManyRequestsAnswered);
        Assert.Equal(["first"], server.SentTo(7).Select(m => m.Text));

        // Another chat is not affected by chat 7's window.
        await bot.SendMessage(8, "other chat");
        Assert.Single(server.SentTo(8));
    }

    [Fact]
    public async Task A_private_chat_may_send_again_once_the_window_has_passed()
    {
        server.Limits = new FakeLimits();
        await bot.SendMessage(7, "first");
        var refused = await TrySendAsync(7, "too soon");
        Assert.NotNull(refused);

        // A little past retry_after: timers may fire a millisecond early.
        await Task.Delay(TimeSpan.FromSeconds(refused.Parameters!.RetryAfter!.Value) + TimeSpan.FromMilliseconds(100));

        await bot.SendMessage(7, "after waiting");
        Assert.Equal(["first", "after waiting"], server.SentTo(7).Select(m => m.Text));
        Assert.Equal(1, server.ChatLimitHits);
    }

    [Fact]
    public async Task The_31st_send_within_a_second_gets_429_from_the_global_limit()
    {
        server.Limits = new FakeLimits();
        var sentBefore = server.AllSent.Count;
        var clock = Stopwatch.StartNew();
        var refused = new List<(long Chat, ApiRequestException Error)>();
        for (long chat = 1001; chat <= 1031; chat++)
        {
            if (await TrySendAsync(chat, "hello") is { } error)
            {
                refused.Add((chat, error));
            }
        }

        var elapsed = clock.Elapsed;
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"the 31 sends took {elapsed}, so they did not share one window");
        var (refusedChat, refusal) = Assert.Single(refused);
        Assert.Equal(1031, refusedChat);
        Assert.Equal(429, refusal.ErrorCode);
        Assert.True(refusal.Parameters?.RetryAfter >= 1);
        Assert.Equal(1, server.GlobalLimitHits);
        Assert.Equal(0, server.ChatLimitHits);
        Assert.Equal(30, server.AllSent.Count - sentBefore);
        Assert.Empty(server.SentTo(1031));
    }

    [Fact]
    public async Task The_21st_send_to_a_group_within_a_minute_gets_429()
    {
        server.Limits = new FakeLimits();
        var refused = new List<ApiRequestException>();
        for (var i = 1; i <= 21; i++)
        {
            if (await TrySendAsync(-1001, $"group message {i}") is { } error)
            {
                refused.Add(error);
            }
        }

        var refusal = Assert.Single(refused);
        Assert.Equal(429, refusal.ErrorCode);
        Assert.InRange(refusal.Parameters!.RetryAfter!.Value, 1, 60);
        Assert.Equal(1, server.GroupLimitHits);
        Assert.Equal(0, server.ChatLimitHits);
        Assert.Equal(0, server.GlobalLimitHits);
        Assert.Equal(20, server.SentCountByChat()[-1001]);
        Assert.Equal("group message 20", server.SentTo(-1001)[^1].Text);
    }

    [Fact]
    public async Task Copy_message_counts_against_the_limits_and_is_recorded()
    {
        server.Limits = new FakeLimits();
        var copied = await bot.CopyMessage(chatId: 9, fromChatId: -1002, messageId: 42);
        var refused = await Assert.ThrowsAsync<ApiRequestException>(() => bot.CopyMessage(chatId: 9, fromChatId: -1002, messageId: 43));

        Assert.Equal(429, refused.ErrorCode);
        var record = Assert.Single(server.SentTo(9));
        Assert.Equal("copyMessage", record.Method);
        Assert.Equal(copied.Id, record.MessageId);
        Assert.Equal(-1002, record.FromChatId);
        Assert.Equal(42, record.SourceMessageId);
        Assert.Equal(1, server.SentCountByChat("copyMessage")[9]);
        Assert.False(server.SentCountByChat().ContainsKey(9));
    }

    [Fact]
    public async Task Edits_callback_answers_and_polling_are_not_limited()
    {
        server.Limits = new FakeLimits();
        var shown = await bot.SendMessage(10, "v0");
        for (var i = 1; i <= 5; i++)
        {
            await bot.EditMessageText(10, shown.Id, $"v{i}");
            await bot.AnswerCallbackQuery($"query-{i}");
            await bot.GetUpdates(timeout: 0);
        }

        Assert.Equal("v5", server.SentTo(10)[0].Text);
        Assert.Equal(0, server.TooManyRequestsAnswered);
    }

    [Fact]
    public async Task An_edit_with_the_text_shown_or_of_an_unknown_message_gets_400_as_from_Telegram()
    {
        var shown = await bot.SendMessage(10, "v1");
        await bot.EditMessageText(10, shown.Id, "v2");

        var same = await Assert.ThrowsAsync<ApiRequestException>(() => bot.EditMessageText(10, shown.Id, "v2"));
        var unknown = await Assert.ThrowsAsync<ApiRequestException>(() => bot.EditMessageText(10, shown.Id + 1, "v3"));

        Assert.Equal(400, same.ErrorCode);
        Assert.StartsWith("Bad Request: message is not modified", same.Message, StringComparison.Ordinal);
        Assert.Equal(400, unknown.ErrorCode);
        Assert.Equal("Bad Request: message to edit not found", unknown.Message);
        Assert.Equal(1, server.EditsNotModified);
        Assert.Equal(["v1"], server.SentTo(10)[0].Edits);
    }

    [Fact]
    public async Task A_button_press_answer_is_recorded_with_its_notice()
    {
        var shown = await bot.SendMessage(10, "pick");
        var pressed = server.UserPresses(10, shown.Id, "x:1");
        await bot.AnswerCallbackQuery(pressed, "Nope");
        await bot.AnswerCallbackQuery("other");

        var answer = await server.WaitForButtonAnswerAsync(pressed);

        Assert.Equal(new ButtonAnswer(pressed, "Nope", false), answer);
        Assert.Null(server.ButtonAnswers[1].Text);
    }

    [Fact]
    public async Task Concurrent_sends_are_counted_consistently()
    {
        server.Limits = new FakeLimits();
        var sentBefore = server.AllSent.Count;
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => TrySendAsync(5000 + i, "burst")));

        var refused = results.Count(r => r is not null);
        Assert.All(results.Where(r => r is not null), r => Assert.Equal(429, r!.ErrorCode));
        Assert.True(refused > 0, "200 sends at once must trip the global limit");
        Assert.Equal(refused, server.GlobalLimitHits);
        Assert.Equal(refused, server.TooManyRequestsAnswered);
        Assert.Equal(200 - refused, server.AllSent.Count - sentBefore);
    }

    // ---- faults ----

    [Fact]
    public async Task A_chat_that_is_not_found_gets_400()
    {
        server.ChatNotFound(404404);

        var error = await Assert.ThrowsAsync<ApiRequestException>(() => bot.SendMessage(404404, "anyone there?"));

        Assert.Equal(400, error.ErrorCode);
        Assert.Contains("chat not found", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.SentTo(404404));
    }

    [Fact]
    public async Task Fail_next_for_a_chat_fails_only_that_many_sends_to_that_chat()
    {
        server.FailNextFor(11, 2, 429, "Too Many Requests: retry after 3", retryAfter: 3);

        await bot.SendMessage(12, "another chat is fine");
        var first = await TrySendAsync(11, "one");
        var second = await TrySendAsync(11, "two");
        await bot.SendMessage(11, "three");

        Assert.Equal(429, first?.ErrorCode);
        Assert.Equal(3, first?.Parameters?.RetryAfter);
        Assert.Equal(429, second?.ErrorCode);
        Assert.Equal(["three"], server.SentTo(11).Select(m => m.Text));
        Assert.Equal(2, server.TooManyRequestsAnswered);
        Assert.Equal(0, server.ChatLimitHits);
    }

    [Fact]
    public async Task A_dropped_send_is_a_network_failure_and_is_not_recorded()
    {
        server.DropNext("sendMessage", 1);

        var error = await Assert.ThrowsAnyAsync<RequestException>(() => bot.SendMessage(13, "lost"));
        await bot.SendMessage(13, "delivered");

        Assert.IsNotType<ApiRequestException>(error);
        Assert.True(error.InnerException is HttpRequestException or IOException, $"inner: {error.InnerException}");
        Assert.Equal(["delivered"], server.SentTo(13).Select(m => m.Text));
    }

    [Fact]
    public async Task A_slow_send_is_answered_late_and_recorded()
    {
        var delay = TimeSpan.FromMilliseconds(300);
        server.SlowNext("sendMessage", 1, delay);

        var clock = Stopwatch.StartNew();
        await bot.SendMessage(14, "slow");
        var slow = clock.Elapsed;
        clock.Restart();
        await bot.SendMessage(14, "quick");
        var quick = clock.Elapsed;

        // A few ms of slack for the timer's granularity.
        Assert.True(slow >= delay - TimeSpan.FromMilliseconds(5), $"the slow send took {slow}");
        Assert.True(quick < delay, $"the next send took {quick}");
        Assert.Equal(["slow", "quick"], server.SentTo(14).Select(m => m.Text));
    }

    [Fact]
    public async Task Fail_next_and_block_chat_still_work()
    {
        server.FailNext("sendMessage", 1, 502, "Bad Gateway");
        server.BlockChat(15);

        var failed = await TrySendAsync(16, "one");
        var blocked = await TrySendAsync(15, "two");

        Assert.Equal(502, failed?.ErrorCode);
        Assert.Equal(403, blocked?.ErrorCode);
        Assert.Contains("bot was blocked by the user", blocked!.Message, StringComparison.Ordinal);
        Assert.Empty(server.SentTo(15));
        Assert.Empty(server.SentTo(16));
    }

    // ---- what is recorded ----

    [Fact]
    public async Task Entities_and_paid_broadcast_are_recorded()
    {
        await bot.SendMessage(17, "Hello world", entities: [new MessageEntity { Type = MessageEntityType.Bold, Offset = 0, Length = 5 }], allowPaidBroadcast: true);
        await bot.SendMessage(17, "plain");
        using var stream = new MemoryStream([1, 2, 3]);
        await bot.SendDocument(17, InputFile.FromStream(stream, "notes.txt"), caption: "Notes",
            captionEntities: [new MessageEntity { Type = MessageEntityType.Italic, Offset = 0, Length = 5 }], allowPaidBroadcast: true);

        var sent = server.SentTo(17);
        Assert.Equal("bold", sent[0].Entities?[0]?["type"]?.GetValue<string>());
        Assert.Equal(5, sent[0].Entities?[0]?["length"]?.GetValue<int>());
        Assert.True(sent[0].AllowPaidBroadcast);
        Assert.Null(sent[1].Entities);
        Assert.False(sent[1].AllowPaidBroadcast);
        Assert.Equal("italic", sent[2].Entities?[0]?["type"]?.GetValue<string>());
        Assert.True(sent[2].AllowPaidBroadcast);
        Assert.Equal([1, 2, 3], sent[2].FileContent);
    }

    // ---- the users' side ----

    [Fact]
    public async Task A_user_blocking_the_bot_is_an_update_and_then_403()
    {
        server.UserBlocksBot(18);

        var update = Assert.Single(await bot.GetUpdates(timeout: 0));
        var change = update.MyChatMember;
        Assert.NotNull(change);
        Assert.Equal(18, change.Chat.Id);
        Assert.Equal(ChatType.Private, change.Chat.Type);
        Assert.Equal(18, change.From.Id);
        Assert.Equal(ChatMemberStatus.Member, change.OldChatMember.Status);
        Assert.Equal(ChatMemberStatus.Kicked, change.NewChatMember.Status);
        Assert.Equal(FakeBotApiServer.BotUserId, change.NewChatMember.User.Id);
        var blocked = await TrySendAsync(18, "are you there?");
        Assert.Equal(403, blocked?.ErrorCode);
        Assert.Empty(server.SentTo(18));

        server.UserUnblocksBot(18);

        var back = Assert.Single(await bot.GetUpdates(offset: update.Id + 1, timeout: 0));
        Assert.Equal(ChatMemberStatus.Kicked, back.MyChatMember?.OldChatMember.Status);
        Assert.Equal(ChatMemberStatus.Member, back.MyChatMember?.NewChatMember.Status);
        await bot.SendMessage(18, "welcome back");
        Assert.Single(server.SentTo(18));
    }

    [Fact]
    public async Task User_entities_follow_the_bot_command_entity()
    {
        server.UserSends(19, "/start @friend", entities: [new MessageEntity { Type = MessageEntityType.Mention, Offset = 7, Length = 7 }]);
        server.UserSends(19, "just @friend", entities: [new MessageEntity { Type = MessageEntityType.Mention, Offset = 5, Length = 7 }]);
        server.UserSends(19, "no entities");

        var updates = await bot.GetUpdates(timeout: 0);

        Assert.Equal(3, updates.Length);
        Assert.Equal([MessageEntityType.BotCommand, MessageEntityType.Mention], updates[0].Message!.Entities!.Select(e => e.Type));
        Assert.Equal(6, updates[0].Message!.Entities![0].Length);
        Assert.Equal([MessageEntityType.Mention], updates[1].Message!.Entities!.Select(e => e.Type));
        Assert.Null(updates[2].Message!.Entities);
    }

    [Fact]
    public async Task A_sent_document_can_be_fetched_and_downloaded()
    {
        var content = new byte[70_000];
        new Random(7).NextBytes(content);
        server.SendsDocument(900, "pack.yaml", content, caption: "new pack");

        var message = Assert.Single(await bot.GetUpdates(timeout: 0)).Message;
        Assert.NotNull(message?.Document);
        Assert.Equal("pack.yaml", message.Document.FileName);
        Assert.Equal("new pack", message.Caption);
        Assert.Equal(900, message.From?.Id);
        Assert.StartsWith("file-", message.Document.FileId, StringComparison.Ordinal);

        var file = await bot.GetFile(message.Document.FileId);
        Assert.Equal($"documents/{message.Document.FileId}", file.FilePath);
        Assert.Equal(content.Length, file.FileSize);
        using var downloaded = new MemoryStream();
        await bot.DownloadFile(file, downloaded);
        Assert.Equal(content, downloaded.ToArray());

        var unknown = await Assert.ThrowsAsync<ApiRequestException>(() => bot.GetFile("file-999"));
        Assert.Equal(400, unknown.ErrorCode);
    }
}

using StudyBot.FakeBotApi;

namespace StudyBot.Tests.Infrastructure;

// A user of the fake Telegram: sends, then waits for the bot's next message to them.
public sealed class TestLearner(TestWorld world, long chatId)
{
    public long ChatId => chatId;

    public int Received => world.Api.SentTo(chatId).Count;

    public async Task<SentMessage> SendAsync(string text, int? replyTo = null)
    {
        var before = Received;
        world.Api.UserSends(chatId, text, replyTo);
        return await world.Api.WaitForNthMessageAsync(chatId, before + 1);
    }

    public Task<SentMessage> NextAsync(int afterCount) => world.Api.WaitForNthMessageAsync(chatId, afterCount + 1);

    public SentMessage Last => world.Api.SentTo(chatId)[^1];

    // Nothing more arrives: once the bot has handled every update so far and sent what it queued for
    // this chat (a bounded wait, see TestWorld.UpdatesHandledAsync), the count is still the expected
    // one. Used after actions that must not answer twice.
    public async Task AssertNothingMoreAsync(int expectedCount)
    {
        await world.UpdatesHandledAsync(chatId);
        Assert.Equal(expectedCount, Received);
    }
}

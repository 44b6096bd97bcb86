using System.Globalization;
using StudyBot.Delivery;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;

namespace StudyBot.Reflections;

// Plain text from a subscribed learner is a reflection on the prompt it replies to, else on the latest one.
internal sealed class ReflectionReceiver(ReflectionStore reflections, DeliveryStore deliveries, StreakReader streaks, ChatReplies replies, Texts texts)
{
    public async Task ReceiveAsync(Message message, Learner? learner, string language, CancellationToken cancellationToken)
    {
        var chatId = message.Chat.Id;
        if (learner is not { IsSubscribed: true })
        {
            replies.Queue(new OutgoingMessage(chatId, texts.Get(language, "NotSubscribed")));
            return;
        }

        if (await SaveAsync(message, cancellationToken) is not { } result)
        {
            replies.Queue(new OutgoingMessage(chatId, texts.Get(language, "NoPromptYet")));
            return;
        }

        var text = message.Text!;
        var length = new StringInfo(text).LengthInTextElements;
        var confirmation = result == SaveResult.Updated
            ? texts.Get(language, "ReflectionUpdated", length)
            : texts.Get(language, "ReflectionSaved", length, await streaks.DescribeAsync(chatId, learner.GroupId, learner.Zone, language, cancellationToken));
        replies.Queue(new OutgoingMessage(chatId, confirmation) { ReplyToMessageId = message.Id });
    }

    // Many texts that arrived together (a forward of a whole conversation, a flood): each is saved
    // like any reflection, and one confirmation answers them all, so the chat's next turn to be
    // answered does not wait a second per message behind Telegram's per-chat limit.
    public async Task ReceiveBurstAsync(IReadOnlyList<Message> messages, Learner? learner, string language, CancellationToken cancellationToken)
    {
        var chatId = messages[0].Chat.Id;
        if (learner is not { IsSubscribed: true })
        {
            replies.Queue(new OutgoingMessage(chatId, texts.Get(language, "NotSubscribed")));
            return;
        }

        // Saved side by side: the writer commits them in a few groups instead of one by one.
        var saved = await Task.WhenAll(messages.Select(message => SaveAsync(message, cancellationToken)));
        var count = saved.Count(s => s is not null);
        var confirmation = count == 0
            ? texts.Get(language, "NoPromptYet")
            : texts.Get(language, "ReflectionsSaved", count, await streaks.DescribeAsync(chatId, learner.GroupId, learner.Zone, language, cancellationToken));
        replies.Queue(new OutgoingMessage(chatId, confirmation) { ReplyToMessageId = messages[^1].Id });
    }

    // On the prompt it replies to, else the latest; null when no prompt was delivered yet.
    private async Task<SaveResult?> SaveAsync(Message message, CancellationToken cancellationToken)
    {
        var chatId = message.Chat.Id;
        var prompt = await deliveries.FindPromptForReplyAsync(chatId, message.ReplyToMessage?.Id, cancellationToken);
        return prompt is null
            ? null
            : await reflections.SaveAsync(chatId, message.Id, prompt.Id, message.Text!, message.EditDate is not null, cancellationToken);
    }
}

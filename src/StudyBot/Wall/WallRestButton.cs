using StudyBot.Localization;
using StudyBot.Outbox;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace StudyBot.Wall;

// The button of a wall post too long for one message: anyone in the chat may press it (the wall
// is the chat's to read); the first press posts the rest of that wall there, once, through the
// outbox and its per-group limits; every other press only gets its answer. The press counts only
// in the chat the group is linked to now, so no other chat can pull a group's wall.
// Callback data: WallPostText.ButtonData.
internal sealed class WallRestButton(WallPostStore store, WallPostText text, OutboxSender outbox, BotMessenger messenger, Texts texts) : ICallbackHandler
{
    public string Prefix => WallPostText.ButtonPrefix;
    public bool InGroupChats => true;

    public async Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken)
    {
        if (!WallPostText.TryParseButton(data, out var groupId, out var day)
            || query.Message is not { Chat.Type: ChatType.Group or ChatType.Supergroup } message)
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken);
            return;
        }

        var queued = await store.TryPostRestAsync(groupId, day, message.Chat.Id, (wall, rest) => text.Rest(wall.Language, wall.Name, day, rest), cancellationToken);
        if (queued > 0)
        {
            outbox.Wake();
            await messenger.AnswerButtonAsync(query.Id, cancellationToken);
            return;
        }

        await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "WallRestPosted"));
    }
}

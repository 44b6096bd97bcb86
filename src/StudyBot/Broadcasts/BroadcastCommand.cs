using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Telegram;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Broadcasts;

// /broadcast TEXT: a preview with [send][cancel]; on send, one outbox row per active member of the
// organizer's current group (an owner acting on all groups: every active subscriber), and one for
// each linked group chat of those groups.
// Callback data is "bc:<id>:ok" or "bc:<id>:no"; the presser must run the broadcast's group (an
// owner, for one to everyone), and the draft be at most a day old (BroadcastStore.DraftLifetime).
internal sealed partial class BroadcastCommand(
    BroadcastStore broadcasts,
    Broadcaster broadcaster,
    GroupAccess access,
    BotMessenger messenger,
    Texts texts,
    ILogger<BroadcastCommand> logger) : IBotCommand, ICallbackHandler
{
    public string Name => "broadcast";
    public CommandAudience Audience => CommandAudience.Organizer;
    public string Prefix => "bc";

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var (text, entities) = TextAfterCommand(context.Message);
        if (string.IsNullOrWhiteSpace(text))
        {
            context.Reply(texts.Get(context.Language, "BroadcastUsage"));
            return;
        }

        // Null only for someone who stopped running a group since the router let the command in.
        if (await access.CurrentScopeAsync(context.UserId, cancellationToken) is not { } scope)
        {
            return;
        }

        var entitiesJson = entities.Count == 0 ? null : JsonSerializer.Serialize(entities.ToArray(), TelegramJson.Entities);
        var draft = await broadcaster.DraftAsync(context.ChatId, context.UserId, scope.GroupId, context.Language, text, entitiesJson, cancellationToken);
        var id = draft.Id;
        var preview = texts.Get(context.Language, "BroadcastPreview", id, draft.Recipients);
        context.Reply(draft.LinkedChats == 0 ? preview : preview + "\n" + texts.Get(context.Language, "BroadcastAlsoChats", draft.LinkedChats));
        var keyboard = new InlineKeyboardMarkup(
            InlineKeyboardButton.WithCallbackData(texts.Get(context.Language, "BroadcastSend"), $"bc:{id}:ok"),
            InlineKeyboardButton.WithCallbackData(texts.Get(context.Language, "BroadcastCancel"), $"bc:{id}:no"));
        await context.SendInTurnAsync(ct => messenger.SendAsync(new OutgoingMessage(context.ChatId, text) { Entities = entities, Keyboard = keyboard }, SendPriority.Interactive, ct), cancellationToken);
    }

    public async Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken)
    {
        if (!await access.IsOrganizerAsync(query.From.Id, cancellationToken))
        {
            LogRefused(query.From.Id);
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "AdminButtonOnly"));
            return;
        }

        if (!TryParseButton(data, out var id, out var send) || await broadcasts.GetAsync(id, cancellationToken) is not { } broadcast)
        {
            LogUnknownButton(query.From.Id, data);
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "BroadcastButtonInvalid"));
            return;
        }

        if (broadcast.GroupId is { } groupId ? !await access.MayRunAsync(query.From.Id, groupId, cancellationToken) : !access.IsOwner(query.From.Id))
        {
            LogRefused(query.From.Id);
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "AdminButtonOnly"));
            return;
        }

        if (broadcasts.IsExpired(broadcast))
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(broadcast.Language, "BroadcastExpired", id));
            return;
        }

        if (!send)
        {
            var cancelled = await broadcaster.CancelAsync(query.From.Id, id, cancellationToken);

            await messenger.AnswerButtonAsync(query.Id, cancellationToken);
            await messenger.SendTextAsync(broadcast.AdminChatId, texts.Get(broadcast.Language, cancelled ? "BroadcastCancelled" : "BroadcastAlreadyHandled", id), cancellationToken);
            return;
        }

        var total = await broadcaster.ConfirmAsync(query.From.Id, broadcast, cancellationToken);
        if (total is null && broadcasts.IsExpired(broadcast))
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(broadcast.Language, "BroadcastExpired", id));
            return;
        }

        await messenger.AnswerButtonAsync(query.Id, cancellationToken);
        if (total is null)
        {
            await messenger.SendTextAsync(broadcast.AdminChatId, texts.Get(broadcast.Language, "BroadcastAlreadyHandled"), cancellationToken);
        }
    }

    // Exactly the data the preview's buttons carry after "bc:": "<id>:ok" or "<id>:no", the id as
    // written (no sign, no leading zero). Anything else was not made by this bot.
    internal static bool TryParseButton(string data, out long id, out bool send)
    {
        send = false;
        var parts = data.Split(':');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out id)
            || id.ToString(CultureInfo.InvariantCulture) != parts[0]
            || parts[1] is not ("ok" or "no"))
        {
            id = 0;
            return false;
        }

        send = parts[1] == "ok";
        return true;
    }

    // The admin's own formatting is kept: entities after "/broadcast " move to the text's start.
    internal static (string Text, List<MessageEntity> Entities) TextAfterCommand(Message message)
    {
        var full = message.Text ?? "";
        var commandEnd = 0;
        while (commandEnd < full.Length && !char.IsWhiteSpace(full[commandEnd]))
        {
            commandEnd++;
        }

        var start = commandEnd;
        while (start < full.Length && char.IsWhiteSpace(full[start]))
        {
            start++;
        }

        var text = full[start..].TrimEnd();
        var entities = new List<MessageEntity>();
        foreach (var entity in message.Entities ?? [])
        {
            if (entity.Type == MessageEntityType.BotCommand && entity.Offset == 0)
            {
                continue;
            }

            var offset = entity.Offset - start;
            var end = Math.Min(entity.Offset + entity.Length - start, text.Length);
            if (offset < 0 || end <= offset)
            {
                continue;
            }

            entities.Add(new MessageEntity
            {
                Type = entity.Type,
                Offset = offset,
                Length = end - offset,
                Url = entity.Url,
                User = entity.User,
                Language = entity.Language,
                CustomEmojiId = entity.CustomEmojiId,
            });
        }

        return (text, entities);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} is not an admin and pressed a broadcast button")]
    private partial void LogRefused(long userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin {UserId} pressed a broadcast button with unknown data {Data}")]
    private partial void LogUnknownButton(long userId, string data);
}

using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StudyBot.Audit;
using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Outbox;
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
    BroadcastProgress progress,
    GroupAccess access,
    AuditLog audit,
    OutboxSender outbox,
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
        var id = await broadcasts.CreateDraftAsync(context.ChatId, context.UserId, scope.GroupId, context.Language, text, entitiesJson, cancellationToken);
        var recipients = await broadcasts.CountActiveLearnersAsync(scope.GroupId, cancellationToken);
        LogDrafted(context.Message.From?.Id ?? 0, id);
        await audit.WriteAsync(context.Message.From?.Id ?? 0, AuditLog.Actions.BroadcastDraft, $"#{id}, {recipients} active subscribers", cancellationToken);

        var linkedChats = await broadcasts.CountLinkedChatsAsync(scope.GroupId, cancellationToken);
        var preview = texts.Get(context.Language, "BroadcastPreview", id, recipients);
        context.Reply(linkedChats == 0 ? preview : preview + "\n" + texts.Get(context.Language, "BroadcastAlsoChats", linkedChats));
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
            var cancelled = await broadcasts.TryCancelAsync(id, cancellationToken);
            if (cancelled)
            {
                await audit.WriteAsync(query.From.Id, AuditLog.Actions.BroadcastCancel, $"#{id}", cancellationToken);
            }

            await messenger.AnswerButtonAsync(query.Id, cancellationToken);
            await messenger.SendTextAsync(broadcast.AdminChatId, texts.Get(broadcast.Language, cancelled ? "BroadcastCancelled" : "BroadcastAlreadyHandled", id), cancellationToken);
            return;
        }

        progress.Starting(id);
        try
        {
            await ConfirmAsync(query, broadcast, cancellationToken);
        }
        finally
        {
            progress.Started(id);
        }
    }

    private async Task ConfirmAsync(CallbackQuery query, Broadcast broadcast, CancellationToken cancellationToken)
    {
        var id = broadcast.Id;
        var total = await broadcasts.TryConfirmAsync(id, cancellationToken);
        if (total is null && broadcasts.IsExpired(broadcast))
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(broadcast.Language, "BroadcastExpired", id));
            return;
        }

        await messenger.AnswerButtonAsync(query.Id, cancellationToken);
        if (total is null)
        {
            await messenger.SendTextAsync(broadcast.AdminChatId, texts.Get(broadcast.Language, "BroadcastAlreadyHandled"), cancellationToken);
            return;
        }

        LogConfirmed(query.From.Id, id, total.Value);
        await audit.WriteAsync(query.From.Id, AuditLog.Actions.BroadcastConfirm, $"#{id}, {total.Value} recipients", cancellationToken);
        outbox.Wake();
        var sending = texts.Get(broadcast.Language, "BroadcastSending", id, 0, total.Value);
        var status = await messenger.SendTextAsync(broadcast.AdminChatId, sending, cancellationToken);
        if (status.MessageId is { } statusMessageId)
        {
            await broadcasts.SetStatusMessageAsync(id, statusMessageId, cancellationToken);
            await progress.StartAsync(id, sending, cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {UserId} drafted broadcast {BroadcastId}")]
    private partial void LogDrafted(long userId, long broadcastId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {UserId} confirmed broadcast {BroadcastId} to {Total} recipients")]
    private partial void LogConfirmed(long userId, long broadcastId, int total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} is not an admin and pressed a broadcast button")]
    private partial void LogRefused(long userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin {UserId} pressed a broadcast button with unknown data {Data}")]
    private partial void LogUnknownButton(long userId, string data);
}

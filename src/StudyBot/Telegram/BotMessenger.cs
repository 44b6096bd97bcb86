using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Telegram;

// Every message the bot sends goes through here, so Telegram's failures are mapped in one place.
// Texts are sent without a parse mode: learners' and organizers' words may contain '<' or '*'.
public sealed partial class BotMessenger(ITelegramBotClient client, ILogger<BotMessenger> logger)
{
    public async Task<SendOutcome> SendTextAsync(long chatId, string text, CancellationToken cancellationToken, InlineKeyboardMarkup? keyboard = null, long? replyToMessageId = null)
    {
        try
        {
            var message = await client.SendMessage(
                chatId: chatId,
                text: text,
                replyMarkup: keyboard,
                replyParameters: replyToMessageId is { } replyTo ? new ReplyParameters { MessageId = (int)replyTo, AllowSendingWithoutReply = true } : null,
                cancellationToken: cancellationToken);
            return SendOutcome.Sent(message.Id);
        }
        catch (Exception e) when (Classify(e, chatId) is { } outcome)
        {
            return outcome;
        }
    }

    public async Task<SendOutcome> EditTextAsync(long chatId, long messageId, string text, InlineKeyboardMarkup? keyboard, CancellationToken cancellationToken)
    {
        try
        {
            await client.EditMessageText(chatId: chatId, messageId: (int)messageId, text: text, replyMarkup: keyboard, cancellationToken: cancellationToken);
            return SendOutcome.Sent(messageId);
        }
        catch (ApiRequestException e) when (e.ErrorCode == 400 && e.Message.Contains("message is not modified", StringComparison.OrdinalIgnoreCase))
        {
            return SendOutcome.Sent(messageId);
        }
        catch (Exception e) when (Classify(e, chatId) is { } outcome)
        {
            return outcome;
        }
    }

    public async Task AnswerButtonAsync(string callbackQueryId, CancellationToken cancellationToken, string? notice = null)
    {
        try
        {
            await client.AnswerCallbackQuery(callbackQueryId, notice, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (Classify(e, 0) is not null)
        {
            // The button's spinner stops by itself after a while; nothing else depends on this answer.
        }
    }

    private SendOutcome? Classify(Exception exception, long chatId)
    {
        switch (exception)
        {
            case ApiRequestException { ErrorCode: 403 } e:
                LogUnreachable(chatId, e.Message);
                return new SendOutcome(SendStatus.Unreachable, Error: e.Message);
            case ApiRequestException { ErrorCode: 400 } e when e.Message.Contains("chat not found", StringComparison.OrdinalIgnoreCase):
                LogUnreachable(chatId, e.Message);
                return new SendOutcome(SendStatus.Unreachable, Error: e.Message);
            case ApiRequestException e:
                LogFailed(chatId, $"{e.ErrorCode}: {e.Message}");
                return new SendOutcome(SendStatus.Failed, Error: $"{e.ErrorCode}: {e.Message}");
            case RequestException or HttpRequestException:
                LogFailed(chatId, exception.Message);
                return new SendOutcome(SendStatus.Failed, Error: exception.Message);
            case TaskCanceledException { InnerException: TimeoutException }:
                LogFailed(chatId, "timeout");
                return new SendOutcome(SendStatus.Failed, Error: "timeout");
            default:
                return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat {ChatId} cannot be reached: {Reason}")]
    private partial void LogUnreachable(long chatId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending to chat {ChatId} failed: {Reason}")]
    private partial void LogFailed(long chatId, string reason);
}

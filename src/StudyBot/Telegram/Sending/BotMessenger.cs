using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Hosting;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Telegram.Sending;

// Every message the bot sends goes through here: it waits its turn at the SendGate, honours 429s,
// retries what may succeed later and maps Telegram's answers to outcomes in one place.
// Texts are sent without a parse mode: learners' and organizers' words may contain '<' or '*'.
internal sealed partial class BotMessenger(ITelegramBotClient client, SendGate gate, BotMetrics metrics, IOptions<TelegramOptions> options, ILogger<BotMessenger> logger)
{
    private const int MaxRateLimitedRetries = 10;

    public Task<SendOutcome> SendTextAsync(long chatId, string text, CancellationToken cancellationToken, InlineKeyboardMarkup? keyboard = null, long? replyToMessageId = null) =>
        SendAsync(new OutgoingMessage(chatId, text) { Keyboard = keyboard, ReplyToMessageId = replyToMessageId }, SendPriority.Interactive, cancellationToken);

    // A basic group that became a supergroup refuses sends to its old id and names the new one:
    // the message goes there (once), and the outcome says where, so its owner can follow.
    public async Task<SendOutcome> SendAsync(OutgoingMessage message, SendPriority priority, CancellationToken cancellationToken)
    {
        var outcome = await SendOnceAsync(message, priority, cancellationToken);
        if (outcome.MigratedToChatId is not { } newChatId)
        {
            return outcome;
        }

        LogMigrated(message.ChatId, newChatId);
        var moved = await SendOnceAsync(message with { ChatId = newChatId }, priority, cancellationToken);
        return moved with { MigratedToChatId = newChatId };
    }

    public Task<SendOutcome> ReactAsync(long chatId, long messageId, string emoji, CancellationToken cancellationToken) =>
        WithRetriesAsync(chatId, SendPriority.Interactive, async ct =>
        {
            await client.SetMessageReaction(chatId, (int)messageId, [new ReactionTypeEmoji { Emoji = emoji }], cancellationToken: ct);
            return messageId;
        }, cancellationToken, countsAgainstLimits: false);

    private async Task<SendOutcome> SendOnceAsync(OutgoingMessage message, SendPriority priority, CancellationToken cancellationToken)
    {
        var paid = priority == SendPriority.Bulk && options.Value.PaidBroadcast;
        return await WithRetriesAsync(message.ChatId, priority, async ct =>
        {
            var sent = await client.SendMessage(
                chatId: message.ChatId,
                text: message.Text,
                entities: message.Entities,
                replyMarkup: message.Keyboard,
                replyParameters: message.ReplyToMessageId is { } replyTo ? new ReplyParameters { MessageId = (int)replyTo, AllowSendingWithoutReply = true } : null,
                allowPaidBroadcast: paid,
                cancellationToken: ct);
            return sent.Id;
        }, cancellationToken);
    }

    // Files are rebuilt from the bytes on every attempt: a stream half-read by a failed upload cannot be sent again.
    public Task<SendOutcome> SendPhotoAsync(long chatId, byte[] png, string fileName, string caption, CancellationToken cancellationToken) =>
        WithRetriesAsync(chatId, SendPriority.Interactive, async ct =>
        {
            using var content = new MemoryStream(png, writable: false);
            var sent = await client.SendPhoto(chatId: chatId, photo: InputFile.FromStream(content, fileName), caption: caption, cancellationToken: ct);
            return sent.Id;
        }, cancellationToken);

    public Task<SendOutcome> SendDocumentAsync(long chatId, byte[] document, string fileName, string? caption, CancellationToken cancellationToken) =>
        WithRetriesAsync(chatId, SendPriority.Interactive, async ct =>
        {
            using var content = new MemoryStream(document, writable: false);
            var sent = await client.SendDocument(chatId: chatId, document: InputFile.FromStream(content, fileName), caption: caption, cancellationToken: ct);
            return sent.Id;
        }, cancellationToken);

    // A file too large to hold in memory, sent from disk: each attempt reads it afresh from the start.
    public Task<SendOutcome> SendDocumentAsync(long chatId, string path, string fileName, string? caption, CancellationToken cancellationToken) =>
        WithRetriesAsync(chatId, SendPriority.Interactive, async ct =>
        {
            await using var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 81920, useAsync: true);
            var sent = await client.SendDocument(chatId: chatId, document: InputFile.FromStream(content, fileName), caption: caption, cancellationToken: ct);
            return sent.Id;
        }, cancellationToken);

    public Task<SendOutcome> EditTextAsync(long chatId, long messageId, string text, InlineKeyboardMarkup? keyboard, CancellationToken cancellationToken) =>
        WithRetriesAsync(chatId, SendPriority.Interactive, async ct =>
        {
            try
            {
                await client.EditMessageText(chatId: chatId, messageId: (int)messageId, text: text, replyMarkup: keyboard, cancellationToken: ct);
            }
            catch (ApiRequestException e) when (e.ErrorCode == 400 && e.Message.Contains("message is not modified", StringComparison.OrdinalIgnoreCase))
            {
                // Same text as shown: nothing to do.
            }

            return messageId;
        }, cancellationToken, countsAgainstLimits: false);

    public async Task AnswerButtonAsync(string callbackQueryId, CancellationToken cancellationToken, string? notice = null)
    {
        try
        {
            await client.AnswerCallbackQuery(callbackQueryId, notice, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is ApiRequestException or RequestException or HttpRequestException)
        {
            // The button's spinner stops by itself after a while; nothing else depends on this answer.
            LogFailed(0, e.Message);
        }
    }

    private async Task<SendOutcome> WithRetriesAsync(long chatId, SendPriority priority, Func<CancellationToken, Task<long>> send, CancellationToken cancellationToken, bool countsAgainstLimits = true)
    {
        var outcome = await TrySendAsync(chatId, priority, send, countsAgainstLimits, cancellationToken);
        metrics.MessagesSent.WithLabels(outcome.Status switch
        {
            SendStatus.Sent => "sent",
            SendStatus.Unreachable => "unreachable",
            _ => "failed",
        }).Inc();
        return outcome;
    }

    private async Task<SendOutcome> TrySendAsync(long chatId, SendPriority priority, Func<CancellationToken, Task<long>> send, bool countsAgainstLimits, CancellationToken cancellationToken)
    {
        var maxTransientAttempts = priority == SendPriority.Interactive ? 3 : 5;
        var transientFailures = 0;
        var rateLimited = 0;
        while (true)
        {
            var ticket = countsAgainstLimits ? await gate.WaitTurnAsync(chatId, priority, cancellationToken) : SendTicket.None;
            string reason;
            try
            {
                return SendOutcome.Sent(await send(cancellationToken));
            }
            catch (ApiRequestException e) when (e.ErrorCode == 429)
            {
                var retryAfter = TimeSpan.FromSeconds(Math.Max(1, e.Parameters?.RetryAfter ?? 1));
                gate.Pause(chatId, retryAfter);
                LogRateLimited(chatId, retryAfter.TotalSeconds);
                if (++rateLimited > MaxRateLimitedRetries)
                {
                    return new SendOutcome(SendStatus.Failed, Error: "429: still rate limited after retries");
                }

                if (!countsAgainstLimits)
                {
                    await Task.Delay(retryAfter, cancellationToken);
                }

                continue;
            }
            catch (ApiRequestException e) when (e.ErrorCode == 403 || (e.ErrorCode == 400 && e.Message.Contains("chat not found", StringComparison.OrdinalIgnoreCase)))
            {
                LogUnreachable(chatId, e.Message);
                return new SendOutcome(SendStatus.Unreachable, Error: $"{e.ErrorCode}: {e.Message}");
            }
            catch (ApiRequestException e) when (e.Parameters?.MigrateToChatId is { } newChatId)
            {
                return new SendOutcome(SendStatus.Failed, Error: $"{e.ErrorCode}: {e.Message}", MigratedToChatId: newChatId);
            }
            catch (ApiRequestException e) when (e.ErrorCode is >= 400 and < 500)
            {
                // The request itself is wrong; sending it again cannot help.
                LogFailed(chatId, $"{e.ErrorCode}: {e.Message}");
                return new SendOutcome(SendStatus.Failed, Error: $"{e.ErrorCode}: {e.Message}");
            }
            catch (ApiRequestException e)
            {
                reason = $"{e.ErrorCode}: {e.Message}";
            }
            catch (Exception e) when (e is RequestException or HttpRequestException)
            {
                reason = e.Message;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                reason = e.InnerException is TimeoutException ? "timeout" : e.Message;
            }
            finally
            {
                ticket.Dispose();
            }

            LogFailed(chatId, reason);
            if (++transientFailures >= maxTransientAttempts)
            {
                return new SendOutcome(SendStatus.Failed, Error: reason);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Pow(2, transientFailures)), cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Group chat {ChatId} became supergroup {NewChatId}; sending there")]
    private partial void LogMigrated(long chatId, long newChatId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat {ChatId} cannot be reached: {Reason}")]
    private partial void LogUnreachable(long chatId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending to chat {ChatId} failed: {Reason}")]
    private partial void LogFailed(long chatId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram asked to slow down for chat {ChatId}: retry after {Seconds} s")]
    private partial void LogRateLimited(long chatId, double seconds);
}

internal sealed record OutgoingMessage(long ChatId, string Text)
{
    public IReadOnlyList<MessageEntity>? Entities { get; init; }
    public InlineKeyboardMarkup? Keyboard { get; init; }
    public long? ReplyToMessageId { get; init; }
}

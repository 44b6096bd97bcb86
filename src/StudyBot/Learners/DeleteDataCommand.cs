using Microsoft.Extensions.Logging;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Learners;

// /deletedata asks first: [delete][cancel] with callback data "dd:ok" / "dd:no". Only the chat's own
// user may press (From.Id == chat id), so in a group nobody can erase the group's data for it.
// The answer replaces the question, which also removes the buttons so they cannot be pressed twice.
internal sealed partial class DeleteDataCommand(LearnerStore learners, BotMessenger messenger, Texts texts, ILogger<DeleteDataCommand> logger) : IBotCommand, ICallbackHandler
{
    public string Name => "deletedata";
    public CommandAudience Audience => CommandAudience.Learner;
    public string Prefix => "dd";

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var keyboard = new InlineKeyboardMarkup(
            InlineKeyboardButton.WithCallbackData(texts.Get(context.Language, "DeleteDataYes"), "dd:ok"),
            InlineKeyboardButton.WithCallbackData(texts.Get(context.Language, "DeleteDataNo"), "dd:no"));
        context.Reply(texts.Get(context.Language, "DeleteDataConfirm"), keyboard);
    }

    public async Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken)
    {
        if (query.Message is not { } message || data is not ("ok" or "no"))
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken);
            return;
        }

        var chatId = message.Chat.Id;
        if (query.From.Id != chatId)
        {
            LogRefused(query.From.Id, chatId);
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "DeleteDataNotYours"));
            return;
        }

        await messenger.AnswerButtonAsync(query.Id, cancellationToken);
        if (data == "no")
        {
            await messenger.EditTextAsync(chatId, message.Id, texts.Get(language, "DeleteDataCancelled"), null, cancellationToken);
            return;
        }

        var rows = await learners.DeleteEverythingAsync(chatId, cancellationToken);
        LogDeleted(chatId, rows);
        await messenger.EditTextAsync(chatId, message.Id, texts.Get(language, "DeleteDataDone"), null, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted all data of chat {ChatId}: {Rows} rows")]
    private partial void LogDeleted(long chatId, int rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} pressed the delete-data button of chat {ChatId} and was refused")]
    private partial void LogRefused(long userId, long chatId);
}

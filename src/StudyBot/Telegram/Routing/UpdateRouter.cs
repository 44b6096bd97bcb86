using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Content;
using StudyBot.Groups;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Reflections;
using StudyBot.Telegram.Receiving;
using StudyBot.Telegram.Sending;
using StudyBot.Wall;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace StudyBot.Telegram.Routing;

// Routes one update by its shape. Polling and webhook both end here.
internal sealed partial class UpdateRouter(
    IEnumerable<IBotCommand> commands,
    IEnumerable<ICallbackHandler> callbackHandlers,
    LearnerStore learners,
    ReflectionReceiver reflections,
    CommentComposer comments,
    MembershipHandler membership,
    PackUploadHandler packUploads,
    BotMessenger messenger,
    ChatReplies replies,
    BotIdentity identity,
    GroupAccess access,
    GroupStore groups,
    GroupChatReplies groupReplies,
    LinkedChats linkedChats,
    Texts texts,
    IOptions<BotOptions> options,
    ILogger<UpdateRouter> logger)
{
    private static readonly HashSet<MessageType> UserContent =
    [
        MessageType.Photo, MessageType.Audio, MessageType.Document, MessageType.Sticker, MessageType.Video,
        MessageType.Voice, MessageType.VideoNote, MessageType.Animation, MessageType.Location, MessageType.Contact,
        MessageType.Poll, MessageType.Dice, MessageType.Venue, MessageType.Story,
    ];

    private readonly Dictionary<string, IBotCommand> commandsByName = commands.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public Task HandleAsync(Update update, CancellationToken cancellationToken) => update switch
    {
        { Message: { Chat.Type: ChatType.Group or ChatType.Supergroup } message } => OnGroupMessageAsync(message, cancellationToken),
        { Message: { } message } => OnMessageAsync(message, cancellationToken),
        { EditedMessage: { Chat.Type: ChatType.Group or ChatType.Supergroup } message } => groupReplies.ReceiveAsync(message, cancellationToken),
        { EditedMessage: { } message } => OnEditedAsync(message, cancellationToken),
        { CallbackQuery: { } query } => OnButtonAsync(query, cancellationToken),
        { MyChatMember: { Chat.Type: ChatType.Private } member } => membership.HandleAsync(member, cancellationToken),
        { MyChatMember: { Chat.Type: ChatType.Group or ChatType.Supergroup, NewChatMember.Status: ChatMemberStatus.Left or ChatMemberStatus.Kicked } member }
            => linkedChats.BotRemovedAsync(member.Chat.Id, cancellationToken),
        _ => Task.CompletedTask,
    };

    // A new plain text in a private chat: a reflection, which ChatLanes may take together with the
    // texts queued behind it (HandleBurstAsync).
    public static bool IsPlainText(Update update) =>
        update.Message is { Text: { } text, Chat.Type: ChatType.Private } && !text.StartsWith('/');

    // Plain texts of one chat (IsPlainText), in the order they came.
    public async Task HandleBurstAsync(IReadOnlyList<Update> burst, CancellationToken cancellationToken)
    {
        var messages = burst.Select(u => u.Message!).ToList();
        var learner = await learners.GetAsync(messages[0].Chat.Id, cancellationToken);
        await reflections.ReceiveBurstAsync(messages, learner, learner?.Language ?? options.Value.Language, cancellationToken);
    }

    public async Task ApologizeAsync(Update update, CancellationToken cancellationToken)
    {
        // Nothing is said in a group chat (its members did not ask the bot anything); the owners
        // are told all the same.
        var chatId = UpdateInbox.ChatOf(update);
        if (chatId <= 0)
        {
            return;
        }

        var learner = await learners.GetAsync(chatId, cancellationToken);
        replies.Queue(new OutgoingMessage(chatId, texts.Get(learner?.Language ?? options.Value.Language, "Error")));
    }

    private async Task OnMessageAsync(Message message, CancellationToken cancellationToken)
    {
        var learner = await learners.GetAsync(message.Chat.Id, cancellationToken);
        var language = learner?.Language ?? options.Value.Language;
        if (message.Text is { } text)
        {
            if (text.StartsWith('/'))
            {
                await OnCommandAsync(message, text, learner, language, cancellationToken);
            }
            else if (!await comments.TryTakeAsync(message, language, cancellationToken))
            {
                await reflections.ReceiveAsync(message, new ReflectionContent(ReflectionKind.Text, text), learner, language, cancellationToken);
            }
        }
        else if (message.Document is not null && message.Caption is { } caption && caption.StartsWith('/'))
        {
            // A file sent with a command as its caption (/calendar): the command reads the file.
            await OnCommandAsync(message, caption, learner, language, cancellationToken);
        }
        else if (message.Document is { } document && message.From is { } sender && PackReader.IsPackFile(document.FileName ?? "") && await access.IsOrganizerAsync(sender.Id, cancellationToken))
        {
            await packUploads.HandleAsync(message, language, learner?.TimeZone ?? options.Value.TimeZone, cancellationToken);
        }
        else if (ReflectionContent.Of(message) is { } answer)
        {
            await reflections.ReceiveAsync(message, answer, learner, language, cancellationToken);
        }
        else if (UserContent.Contains(message.Type))
        {
            replies.Queue(new OutgoingMessage(message.Chat.Id, texts.Get(language, "NonText")));
        }
    }

    private async Task OnCommandAsync(Message message, string text, Learner? learner, string language, CancellationToken cancellationToken)
    {
        if (CommandParser.Parse(text, identity.Username) is not { } parsed)
        {
            return;
        }

        if (!commandsByName.TryGetValue(parsed.Name, out var command))
        {
            replies.Queue(new OutgoingMessage(message.Chat.Id, texts.Get(language, "UnknownCommand", TextCut.Echo("/" + parsed.Name))));
            return;
        }

        await RunCommandAsync(message, command, parsed.Arguments, learner, language, cancellationToken);
    }

    // In a group chat the bot answers only the commands that work there (/link, /unlink), follows
    // the chat when it becomes a supergroup and takes members' replies to the day's post. Any other
    // command gets one line pointing to the private chat; everything else is the group's own talk
    // and gets no answer at all.
    private async Task OnGroupMessageAsync(Message message, CancellationToken cancellationToken)
    {
        if (message.MigrateToChatId is { } newChatId)
        {
            await linkedChats.FollowAsync(message.Chat.Id, newChatId, cancellationToken);
        }
        else if ((message.Text ?? message.Caption) is { } text && text.StartsWith('/'))
        {
            await OnGroupCommandAsync(message, text, cancellationToken);
        }
        else if (message.ReplyToMessage is not null)
        {
            await groupReplies.ReceiveAsync(message, cancellationToken);
        }
    }

    private async Task OnGroupCommandAsync(Message message, string text, CancellationToken cancellationToken)
    {
        if (CommandParser.Parse(text, identity.Username) is not { } parsed)
        {
            return;
        }

        var language = await GroupChatLanguageAsync(message.Chat.Id, message.From?.Id, cancellationToken);
        if (!commandsByName.TryGetValue(parsed.Name, out var command) || !command.InGroupChats)
        {
            var privateChat = identity.Username is { Length: > 0 } username ? $"https://t.me/{username}" : "";
            replies.Queue(new OutgoingMessage(message.Chat.Id, texts.Get(language, "GroupChatPrivateOnly", TextCut.Echo("/" + parsed.Name), privateChat)));
            return;
        }

        await RunCommandAsync(message, command, parsed.Arguments, null, language, cancellationToken);
    }

    // A group chat speaks the language of the group it is linked to, else the sender's.
    private async Task<string> GroupChatLanguageAsync(long chatId, long? userId, CancellationToken cancellationToken) =>
        (await groups.FindByLinkedChatAsync(chatId, cancellationToken))?.Language
        ?? (userId is { } id ? (await learners.GetAsync(id, cancellationToken))?.Language : null)
        ?? options.Value.Language;

    private async Task RunCommandAsync(Message message, IBotCommand command, string arguments, Learner? learner, string language, CancellationToken cancellationToken)
    {
        // A learner command needs no role, and most commands are learners': no read for them.
        var audience = command.Audience == CommandAudience.Learner || message.From is not { } from
            ? CommandAudience.Learner
            : await access.AudienceOfAsync(from.Id, cancellationToken);
        if (command.Audience > audience)
        {
            LogRefused(message.From?.Id ?? 0, command.Name);
            var refusal = command.Audience == CommandAudience.Owner && audience == CommandAudience.Organizer ? "OwnerOnly" : "AdminOnly";
            replies.Queue(new OutgoingMessage(message.Chat.Id, texts.Get(language, refusal, "/" + command.Name)));
            return;
        }

        await command.HandleAsync(new CommandContext(message, arguments, learner, language, replies), cancellationToken);
    }

    // An edited text, caption, or photo or voice message replaced: the reflection it was, changed.
    private async Task OnEditedAsync(Message message, CancellationToken cancellationToken)
    {
        if (ReflectionContent.Of(message) is not { } content || (content.Kind == ReflectionKind.Text && content.Text.StartsWith('/')))
        {
            return;
        }

        var learner = await learners.GetAsync(message.Chat.Id, cancellationToken);
        await reflections.ReceiveAsync(message, content, learner, learner?.Language ?? options.Value.Language, cancellationToken);
    }

    private async Task OnButtonAsync(CallbackQuery query, CancellationToken cancellationToken)
    {
        var data = query.Data ?? "";
        var colon = data.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon < 0 ? data : data[..colon];
        var handler = callbackHandlers.FirstOrDefault(h => h.Prefix == prefix);
        var inGroupChat = query.Message?.Chat.Type is ChatType.Group or ChatType.Supergroup;

        // A button in a group chat reaches only a handler that works there.
        if (handler is null || (inGroupChat && !handler.InGroupChats))
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken);
            return;
        }

        var language = inGroupChat
            ? await GroupChatLanguageAsync(query.Message!.Chat.Id, query.From.Id, cancellationToken)
            : (await learners.GetAsync(query.Message?.Chat.Id ?? query.From.Id, cancellationToken))?.Language ?? options.Value.Language;
        await handler.HandleAsync(query, colon < 0 ? "" : data[(colon + 1)..], language, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} may not use /{Command} and was refused")]
    private partial void LogRefused(long userId, string command);
}

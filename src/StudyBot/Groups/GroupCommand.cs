using System.Globalization;
using StudyBot.Audit;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Groups;

// The current group's settings and links, with a button for a new organizer link (which ends the
// old one). Callback data: "grpcode:<id>".
internal sealed class GroupCommand(GroupStore groups, GroupAccess access, GroupLinks links, AuditLog audit, BotMessenger messenger, TimeProvider time, Texts texts) : IBotCommand, ICallbackHandler
{
    public string Name => "group";
    public CommandAudience Audience => CommandAudience.Organizer;
    public string Prefix => "grpcode";

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (await CurrentGroupAsync(context, groups, access, texts, cancellationToken) is not { } group)
        {
            return;
        }

        context.Reply(Show(group, context.Language), RenewButton(group, context.Language));
    }

    public async Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken)
    {
        if (!long.TryParse(data, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !await access.MayRunAsync(query.From.Id, id, cancellationToken)
            || await groups.GetAsync(id, cancellationToken) is not { } group)
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "GroupNotYours"));
            return;
        }

        var renewed = await groups.RenewOrganizerCodeAsync(group, cancellationToken);
        await audit.WriteAsync(query.From.Id, AuditLog.Actions.OrganizerLinkRenewed, $"#{group.Id}", cancellationToken);
        await messenger.AnswerButtonAsync(query.Id, cancellationToken);
        if (query.Message is { } message)
        {
            await messenger.EditTextAsync(message.Chat.Id, message.Id, Show(renewed, language), RenewButton(renewed, language), cancellationToken);
        }
    }

    // The group an organizer command acts on; null (and a line saying why) when it is "all groups".
    public static async Task<StudyGroup?> CurrentGroupAsync(CommandContext context, GroupStore groups, GroupAccess access, Texts texts, CancellationToken cancellationToken)
    {
        if (await access.CurrentScopeAsync(context.UserId, cancellationToken) is { GroupId: { } id } && await groups.GetAsync(id, cancellationToken) is { } group)
        {
            return group;
        }

        context.Reply(texts.Get(context.Language, "GroupAllScope"));
        return null;
    }

    private string Show(StudyGroup group, string language)
    {
        var organizerLink = group.OrganizerCodeExpiresUtc > time.GetUtcNow().UtcDateTime
            ? texts.Get(language, "OrganizerLinkValid", links.Organizer(group), group.OrganizerCodeExpiresUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))
            : texts.Get(language, "OrganizerLinkExpired");
        var linkedChat = group.LinkedChatId is null
            ? texts.Get(language, "GroupNoLinkedChat")
            : texts.Get(language, "GroupLinkedChat", LinkedChats.ChatName(group));
        return texts.Get(language, "GroupShow", group.Name, GroupSettings.Describe(group), links.Invite(group), organizerLink) + "\n" + linkedChat;
    }

    private InlineKeyboardMarkup RenewButton(StudyGroup group, string language) =>
        new(InlineKeyboardButton.WithCallbackData(texts.Get(language, "OrganizerLinkRenew"), $"{Prefix}:{group.Id.ToString(CultureInfo.InvariantCulture)}"));
}

using System.Globalization;
using System.Text;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Groups;

// The groups one runs, with a button each to make it the current one (owners also get "all groups").
// Callback data: "grp:<id>" or "grp:all".
internal sealed class GroupsCommand(GroupStore groups, GroupAccess access, BotMessenger messenger, Texts texts) : IBotCommand, ICallbackHandler
{
    private const string AllGroups = "all";

    public string Name => "groups";
    public CommandAudience Audience => CommandAudience.Organizer;
    public string Prefix => "grp";

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var (text, keyboard) = await ListAsync(context.UserId, context.Language, cancellationToken);
        context.Reply(text, keyboard);
    }

    public async Task HandleAsync(CallbackQuery query, string data, string language, CancellationToken cancellationToken)
    {
        var userId = query.From.Id;
        long? picked = null;
        var valid = data == AllGroups
            ? access.IsOwner(userId)
            : long.TryParse(data, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && (picked = id) is not null && await access.MayRunAsync(userId, id, cancellationToken);
        if (!valid || (picked is { } groupId && await groups.GetAsync(groupId, cancellationToken) is null))
        {
            await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "GroupNotYours"));
            return;
        }

        await groups.PickAsync(userId, picked, cancellationToken);
        var (text, keyboard) = await ListAsync(userId, language, cancellationToken);
        await messenger.AnswerButtonAsync(query.Id, cancellationToken, texts.Get(language, "GroupPicked", await ScopeNameAsync(userId, language, cancellationToken)));
        if (query.Message is { } message)
        {
            await messenger.EditTextAsync(message.Chat.Id, message.Id, text, keyboard, cancellationToken);
        }
    }

    private async Task<(string Text, InlineKeyboardMarkup Keyboard)> ListAsync(long userId, string language, CancellationToken cancellationToken)
    {
        var runs = await access.GroupsRunByAsync(userId, cancellationToken);
        var list = await groups.ListAsync(runs, cancellationToken);
        var current = await access.CurrentScopeAsync(userId, cancellationToken);
        var text = new StringBuilder(texts.Get(language, "GroupsHeader", await ScopeNameAsync(userId, language, cancellationToken)));
        foreach (var group in list)
        {
            text.Append('\n').Append(texts.Get(language, "GroupsLine", group.Id, group.Name, group.Members));
        }

        var buttons = list.Select(group => new[] { Button(group.Name, group.Id.ToString(CultureInfo.InvariantCulture), current?.GroupId == group.Id) }).ToList();
        if (runs is null)
        {
            buttons.Add([Button(texts.Get(language, "AllGroups"), AllGroups, current?.IsAll == true)]);
        }

        return (text.ToString(), new InlineKeyboardMarkup(buttons));
    }

    private async Task<string> ScopeNameAsync(long userId, string language, CancellationToken cancellationToken) =>
        await access.CurrentScopeAsync(userId, cancellationToken) is { GroupId: { } id } && await groups.GetAsync(id, cancellationToken) is { } group
            ? group.Name
            : texts.Get(language, "AllGroups");

    private InlineKeyboardButton Button(string label, string value, bool current) =>
        InlineKeyboardButton.WithCallbackData((current ? "✓ " : "") + label, $"{Prefix}:{value}");
}

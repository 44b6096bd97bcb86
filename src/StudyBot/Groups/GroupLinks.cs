using StudyBot.Telegram;

namespace StudyBot.Groups;

// The deep links that open the bot with a payload: j_<code> joins a group, o_<code> makes an organizer.
internal sealed class GroupLinks(BotIdentity identity)
{
    public const string JoinPrefix = "j_";
    public const string OrganizerPrefix = "o_";

    public string Invite(StudyGroup group) => Link(JoinPrefix + group.JoinCode);

    public string Organizer(StudyGroup group) => Link(OrganizerPrefix + group.OrganizerCode);

    // Without a known username (Telegram's getMe has not answered yet) the payload is still usable by hand.
    private string Link(string payload) =>
        identity.Username is { Length: > 0 } username ? $"https://t.me/{username}?start={payload}" : $"/start {payload}";
}

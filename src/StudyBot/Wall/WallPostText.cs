using System.Globalization;
using System.Text;
using System.Text.Json;
using StudyBot.Localization;
using StudyBot.Reflections;
using StudyBot.Telegram;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Wall;

// The words of a linked chat's wall: the day's post, and the featured reflections that did not fit
// it, posted at a press of the post's button ("the rest a button away").
internal sealed class WallPostText(Texts texts)
{
    // Telegram's limit for a message is 4096; the rest keeps some room for its header.
    private const int MaxText = 4000;
    private const int FeaturedLimit = 600;

    // The names take at most this much of the post, so featured reflections always have room.
    private const int NamesLimit = 1500;

    public const string ButtonPrefix = "wr";

    public WallPost Post(WallGroup group, DateOnly day, WallDay figures)
    {
        var language = group.Language;
        var text = new StringBuilder(texts.Get(language, "WallPostHeader", group.Name, IsoDate.Format(day), figures.Answered.Count, figures.Received));
        if (figures.Answered.Count > 0)
        {
            text.Append('\n').Append(texts.Get(language, "WallPostAnswered", Names(language, figures.Answered)));
        }

        for (var i = 0; i < figures.Featured.Count; i++)
        {
            var featured = Featured(language, figures.Featured[i]);
            if (text.Length + featured.Length > MaxText)
            {
                var rest = figures.Featured.Count - i;
                var button = InlineKeyboardButton.WithCallbackData(texts.Get(language, "WallPostRest", rest), ButtonData(group.GroupId, day));
                return new WallPost(text.ToString(), new InlineKeyboardMarkup(button), figures.Featured[i]);
            }

            text.Append(featured);
        }

        return new WallPost(text.ToString(), null, null);
    }

    // The rest of a wall in as few messages as it takes, each headed as a continuation.
    public IReadOnlyList<string> Rest(string language, string groupName, DateOnly day, IReadOnlyList<FeaturedReflection> rest)
    {
        var header = texts.Get(language, "WallRestHeader", groupName, IsoDate.Format(day));
        var messages = new List<string>();
        var text = new StringBuilder(header);
        foreach (var featured in rest.Select(reflection => Featured(language, reflection)))
        {
            if (text.Length + featured.Length > MaxText)
            {
                messages.Add(text.ToString());
                text.Clear().Append(header);
            }

            text.Append(featured);
        }

        messages.Add(text.ToString());
        return messages;
    }

    // "wr:<group id>:<yyyyMMdd>": ids only, within Telegram's 64 bytes.
    public static string ButtonData(long groupId, DateOnly day) =>
        $"{ButtonPrefix}:{groupId.ToString(CultureInfo.InvariantCulture)}:{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";

    public static bool TryParseButton(string data, out long groupId, out DateOnly day)
    {
        day = default;
        var parts = data.Split(':');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out groupId)
            || !DateOnly.TryParseExact(parts[1], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            groupId = 0;
            return false;
        }

        return true;
    }

    // A photo or voice answer shows as its kind and caption (IReflectionBody.Describe).
    private string Featured(string language, FeaturedReflection featured) =>
        $"\n\n★ {featured.AuthorName}\n{TextCut.Shorten(featured.Describe(texts, language), FeaturedLimit)}";

    private string Names(string language, IReadOnlyList<string> names)
    {
        var separator = texts.Get(language, "WallPostNameSeparator");
        var line = new StringBuilder();
        for (var i = 0; i < names.Count; i++)
        {
            var name = (i == 0 ? "" : separator) + names[i];
            if (line.Length + name.Length > NamesLimit)
            {
                return line.Append(texts.Get(language, "WallPostMoreNames", names.Count - i)).ToString();
            }

            line.Append(name);
        }

        return line.ToString();
    }
}

// The day's post; RestFrom: the first featured reflection left for the button, if any.
internal sealed record WallPost(string Text, InlineKeyboardMarkup? Buttons, FeaturedReflection? RestFrom)
{
    // As the outbox keeps a message's buttons.
    public string? Keyboard => Buttons is null ? null : JsonSerializer.Serialize(Buttons, TelegramJson.Keyboard);
}

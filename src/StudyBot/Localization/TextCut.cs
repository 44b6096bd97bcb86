using System.Globalization;

namespace StudyBot.Localization;

// Shortens text for a message. Limits count UTF-16 units, as Telegram's 4096 does, but a cut only
// falls between text elements: half an emoji is a lone surrogate (which Telegram refuses or shows
// as garbage), and a flag or a family emoji cut between its parts shows as other emoji.
internal static class TextCut
{
    // What a reply quotes back of what the user typed: enough to recognise it, and short enough
    // that the longest input Telegram takes still leaves room for the reply around it.
    public const int EchoLimit = 64;

    // Every reply that repeats the user's input passes it through here.
    public static string Echo(string input) => Shorten(input, EchoLimit);

    /// <returns>The text itself if it fits, otherwise its whole text elements that fit in limit, then "…".</returns>
    public static string Shorten(string text, int limit)
    {
        if (text.Length <= limit)
        {
            return text;
        }

        var cut = 0;
        while (cut < text.Length)
        {
            var next = cut + StringInfo.GetNextTextElementLength(text, cut);
            if (next > limit)
            {
                break;
            }

            cut = next;
        }

        return string.Concat(text.AsSpan(0, cut), "…");
    }
}

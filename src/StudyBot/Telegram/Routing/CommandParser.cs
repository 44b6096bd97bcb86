namespace StudyBot.Telegram.Routing;

internal sealed record ParsedCommand(string Name, string Arguments);

internal static class CommandParser
{
    // "/time 07:30", "/time@StudyBot 07:30". A command addressed to another bot is not ours: null.
    public static ParsedCommand? Parse(string text, string? botUsername)
    {
        if (string.IsNullOrEmpty(text) || text[0] != '/' || text.Length < 2)
        {
            return null;
        }

        var end = 1;
        while (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        var word = text[1..end];
        var at = word.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            var addressee = word[(at + 1)..];
            if (botUsername is not null && !string.Equals(addressee, botUsername, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            word = word[..at];
        }

        if (word.Length == 0)
        {
            return null;
        }

        return new ParsedCommand(word.ToLowerInvariant(), text[end..].Trim());
    }
}

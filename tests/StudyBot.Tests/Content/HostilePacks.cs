using System.Text;

namespace StudyBot.Tests.Content;

// Pack files made to harm a parser rather than to teach.
internal static class HostilePacks
{
    // Unchecked, YamlDotNet's tree builder recurses once per bracket and overflows the stack.
    public static readonly string Brackets = new('[', 100_000);

    // "Billion laughs": anchor a holds 10 texts, b 10 aliases of a, and so on to i, 10^9 texts in
    // all; i used as a key is hashed by walking every one of them. The first anchor is on line 4.
    public static string AliasBomb()
    {
        var yaml = new StringBuilder("pack: bomb\nlanguage: en\nstart: 2026-12-01\n");
        yaml.Append("a: &a [").AppendJoin(", ", Enumerable.Repeat("lol", 10)).Append("]\n");
        for (var name = 'b'; name <= 'i'; name++)
        {
            yaml.Append(name).Append(": &").Append(name).Append(" [").AppendJoin(", ", Enumerable.Repeat($"*{(char)(name - 1)}", 10)).Append("]\n");
        }

        return yaml.Append("? *i\n: boom\nitems:\n  - theme: T\n    quote: Q\n    source: S\n    prompt: P\n").ToString();
    }
}

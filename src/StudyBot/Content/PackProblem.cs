using StudyBot.Localization;

namespace StudyBot.Content;

// Where a pack is wrong and what is wrong, kept as a text key and its values rather than words, so
// that the refusal is said in the uploader's language: "line 12, item 3, field quote: is missing".
internal sealed class PackProblem(PackLocation location, string key, params object[] values)
{
    // For messages no user reads (an exception's, a log's) and tests: the problem in English.
    private static readonly Texts English = new();

    public PackLocation Location { get; } = location;
    public string Key { get; } = key;
    public IReadOnlyList<object> Values { get; } = values;

    public string Describe(Texts texts, string language) =>
        texts.Get(language, "PackProblem", Location.Describe(texts, language), texts.Get(language, Key, [.. Values]));

    public override string ToString() => Describe(English, Languages.English);
}

// Any of a line, an item, a field, the caption or the file, as far as they are known.
internal readonly record struct PackLocation(int? Line = null, int? Item = null, string? Field = null, bool Caption = false, string? File = null)
{
    public string Describe(Texts texts, string language)
    {
        var parts = new List<string>(3);
        if (File is not null)
        {
            parts.Add(File);
        }

        if (Caption)
        {
            parts.Add(texts.Get(language, "PackAtCaption"));
        }

        if (Line is { } line)
        {
            parts.Add(texts.Get(language, "PackAtLine", line));
        }

        if (Item is { } item)
        {
            parts.Add(texts.Get(language, "PackAtItem", item));
        }

        if (Field is not null)
        {
            parts.Add(texts.Get(language, "PackAtField", Field));
        }

        return string.Join(texts.Get(language, "PackAtSeparator"), parts);
    }
}

internal sealed class PackFormatException(PackProblem problem) : Exception(problem.ToString())
{
    public PackProblem Problem { get; } = problem;
}

// A file refused for what a pack may not hold at all, said in the sender's language: textKey names
// a text of Strings.resx that takes the line.
internal sealed class PackRefusedException(string textKey, long line) : Exception($"{textKey} at line {line}")
{
    public string TextKey { get; } = textKey;
    public long Line { get; } = line;
}

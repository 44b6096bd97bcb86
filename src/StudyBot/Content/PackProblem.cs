namespace StudyBot.Content;

// Where a pack is wrong, said so that an organizer can find it: "line 12, item 3, field quote: is missing".
internal sealed record PackProblem(string Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
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

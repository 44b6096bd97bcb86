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

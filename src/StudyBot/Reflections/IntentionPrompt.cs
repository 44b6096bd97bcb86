namespace StudyBot.Reflections;

// Which prompts ask what the learner will do: their answers are the "next steps" of a study summary.
// Decided by the prompt's opening words, the way the shipped packs phrase such questions, so a pack
// author gets this by wording alone and no pack needs an extra field.
internal static class IntentionPrompt
{
    private static readonly string[] Openings =
    [
        "明天你打算",
        "这周你准备",
        "接下来你会",
        "What will you",
        "Which one thing will you",
        "This week, what will you",
    ];

    public static bool IsIntention(string prompt) =>
        Openings.Any(opening => prompt.AsSpan().TrimStart().StartsWith(opening, StringComparison.OrdinalIgnoreCase));
}

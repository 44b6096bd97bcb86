namespace StudyBot.Content;

internal sealed record ContentPack(string Name, string Language, DateOnly Start, IReadOnlyList<ContentItem> Items);

// Intention: the prompt asks what the learner will do, so the answer is one of the "Next steps" of
// their study summary. A pack says so per item (intention: true); no wording implies it.
internal sealed record ContentItem(string Theme, string Quote, string Source, string Prompt, DateOnly? Date, bool Intention = false);

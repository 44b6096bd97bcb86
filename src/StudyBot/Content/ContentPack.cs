namespace StudyBot.Content;

internal sealed record ContentPack(string Name, string Language, DateOnly Start, IReadOnlyList<ContentItem> Items);

internal sealed record ContentItem(string Theme, string Quote, string Source, string Prompt, DateOnly? Date);

namespace StudyBot.Content;

public sealed record ContentPack(string Name, string Language, DateOnly Start, IReadOnlyList<ContentItem> Items);

public sealed record ContentItem(string Theme, string Quote, string Source, string Prompt, DateOnly? Date);

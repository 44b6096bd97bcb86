namespace StudyBot.Localization;

internal static class Languages
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    public static readonly IReadOnlyList<string> Supported = [Chinese, English];

    public static bool IsSupported(string? language) => Normalize(language) is not null;

    // Accepts the spellings people type (zh, zh-cn, EN) and returns the canonical code, or null.
    public static string? Normalize(string? language) => language?.Trim().ToLowerInvariant() switch
    {
        "zh-cn" or "zh" or "zh-hans" or "cn" => Chinese,
        "en" or "en-us" or "en-gb" => English,
        _ => null,
    };
}

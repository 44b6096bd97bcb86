using System.Collections.Concurrent;
using System.Globalization;
using System.Resources;

namespace StudyBot.Localization;

// Every user-facing string comes from Strings.resx / Strings.zh-CN.resx by key.
internal sealed class Texts
{
    private readonly ResourceManager resources = new("StudyBot.Localization.Strings", typeof(Texts).Assembly);

    // Every reply looks up a text or two, and the resource manager takes a process-wide lock per lookup.
    private readonly ConcurrentDictionary<(string Language, string Key), (CultureInfo Culture, string Template)> found = new();

    public string Get(string language, string key, params object?[] args)
    {
        var (culture, template) = found.GetOrAdd((Languages.Normalize(language) ?? Languages.English, key), Find, resources);
        return args.Length == 0 ? template : string.Format(culture, template, args);
    }

    private static (CultureInfo, string) Find((string Language, string Key) text, ResourceManager resources)
    {
        var culture = CultureInfo.GetCultureInfo(text.Language);
        return (culture, resources.GetString(text.Key, culture) ?? throw new KeyNotFoundException($"No text named {text.Key}"));
    }
}

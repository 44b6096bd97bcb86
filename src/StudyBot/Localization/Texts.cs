using System.Globalization;
using System.Resources;

namespace StudyBot.Localization;

// Every user-facing string comes from Strings.resx / Strings.zh-CN.resx by key.
public sealed class Texts
{
    private readonly ResourceManager resources = new("StudyBot.Localization.Strings", typeof(Texts).Assembly);

    public string Get(string language, string key, params object?[] args)
    {
        var culture = CultureInfo.GetCultureInfo(Languages.Normalize(language) ?? Languages.English);
        var template = resources.GetString(key, culture) ?? throw new KeyNotFoundException($"No text named {key}");
        return args.Length == 0 ? template : string.Format(culture, template, args);
    }
}

using System.Reflection;

namespace StudyBot.Content;

// The packs under Content/Packs, embedded in the assembly, loaded into an empty database on first run.
internal static class ShippedPacks
{
    private const string Prefix = "StudyBot.Content.Packs.";

    public static IReadOnlyList<ContentPack> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                return PackReader.Read(name[Prefix.Length..], reader.ReadToEnd(), new PackDefaults("en", new DateOnly(2026, 1, 1)));
            })
            .ToList();
    }
}

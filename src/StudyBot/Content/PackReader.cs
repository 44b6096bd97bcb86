using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using StudyBot.Localization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StudyBot.Content;

// Reads the three pack formats of SPEC.md into one shape. Only the syntax and field types are
// checked here; PackValidator checks the content as a whole.
internal static class PackReader
{
    public static readonly IReadOnlyList<string> Extensions = [".yaml", ".yml", ".json", ".csv"];

    public static bool IsPackFile(string fileName) =>
        Extensions.Contains(Path.GetExtension(fileName).ToLowerInvariant());

    /// <param name="defaults">CSV only: language and start when the caption does not name them.</param>
    public static ContentPack Read(string fileName, string text, PackDefaults defaults)
    {
        // Excel's "CSV UTF-8" and some editors start the file with a byte order mark.
        text = text.TrimStart('\uFEFF');
        return Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".yaml" or ".yml" => ReadYaml(text),
            ".json" => ReadJson(text),
            ".csv" => ReadCsv(Path.GetFileNameWithoutExtension(fileName), text, defaults),
            var other => throw new PackFormatException(new PackProblem(fileName, $"'{TextCut.Echo(other)}' is not a pack format: use .yaml, .json or .csv")),
        };
    }

    private static ContentPack ReadYaml(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new PackFormatException(new PackProblem($"line {e.Start.Line}", $"not valid YAML ({e.Message})"));
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new PackFormatException(new PackProblem("line 1", "a pack is a mapping with pack, language, start and items"));
        }

        string? Scalar(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

        var items = new List<ContentItem>();
        if (root.Children.TryGetValue(new YamlScalarNode("items"), out var itemsNode))
        {
            if (itemsNode is not YamlSequenceNode sequence)
            {
                throw new PackFormatException(new PackProblem($"line {itemsNode.Start.Line}", "field items must be a list"));
            }

            var index = 0;
            foreach (var node in sequence)
            {
                index++;
                var location = $"line {node.Start.Line}, item {index}";
                if (node is not YamlMappingNode item)
                {
                    throw new PackFormatException(new PackProblem(location, "an item must have theme, quote, source and prompt"));
                }

                items.Add(new ContentItem(
                    Scalar(item, "theme") ?? "",
                    Scalar(item, "quote") ?? "",
                    Scalar(item, "source") ?? "",
                    Scalar(item, "prompt") ?? "",
                    ParseDate(Scalar(item, "date"), $"{location}, field date")));
            }
        }

        return new ContentPack(
            Scalar(root, "pack") ?? "",
            Scalar(root, "language") ?? "",
            ParseDate(Scalar(root, "start"), "field start") ?? throw new PackFormatException(new PackProblem("field start", "is missing")),
            items);
    }

    private static ContentPack ReadJson(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new PackFormatException(new PackProblem($"line {(e.LineNumber ?? 0) + 1}", "not valid JSON"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PackFormatException(new PackProblem("line 1", "a pack is an object with pack, language, start and items"));
            }

            static string? Text(JsonElement element, string name, string location) =>
                !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
                : value.ValueKind == JsonValueKind.String ? value.GetString()
                : throw new PackFormatException(new PackProblem($"{location}field {name}", "must be a string"));

            var items = new List<ContentItem>();
            if (root.TryGetProperty("items", out var itemsElement))
            {
                if (itemsElement.ValueKind != JsonValueKind.Array)
                {
                    throw new PackFormatException(new PackProblem("field items", "must be a list"));
                }

                var index = 0;
                foreach (var item in itemsElement.EnumerateArray())
                {
                    index++;
                    var location = $"item {index}, ";
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        throw new PackFormatException(new PackProblem($"item {index}", "an item must have theme, quote, source and prompt"));
                    }

                    items.Add(new ContentItem(
                        Text(item, "theme", location) ?? "",
                        Text(item, "quote", location) ?? "",
                        Text(item, "source", location) ?? "",
                        Text(item, "prompt", location) ?? "",
                        ParseDate(Text(item, "date", location), $"{location}field date")));
                }
            }

            return new ContentPack(
                Text(root, "pack", "") ?? "",
                Text(root, "language", "") ?? "",
                ParseDate(Text(root, "start", ""), "field start") ?? throw new PackFormatException(new PackProblem("field start", "is missing")),
                items);
        }
    }

    private static ContentPack ReadCsv(string name, string text, PackDefaults defaults)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            MissingFieldFound = null,
            BadDataFound = args => throw new PackFormatException(new PackProblem($"line {args.Context.Parser?.RawRow}", "badly quoted field")),
        };
        using var csv = new CsvReader(new StringReader(text), configuration);
        if (!csv.Read() || !csv.ReadHeader())
        {
            throw new PackFormatException(new PackProblem("line 1", "the header theme,quote,source,prompt,date is missing"));
        }

        string[] required = ["theme", "quote", "source", "prompt"];
        var header = csv.HeaderRecord ?? [];
        var missing = required.FirstOrDefault(column => !header.Any(h => string.Equals(h.Trim(), column, StringComparison.OrdinalIgnoreCase)));
        if (missing is not null)
        {
            throw new PackFormatException(new PackProblem("line 1", $"the header has no column {missing} (expected theme,quote,source,prompt,date)"));
        }

        var hasDate = header.Any(h => string.Equals(h.Trim(), "date", StringComparison.OrdinalIgnoreCase));
        var items = new List<ContentItem>();
        while (csv.Read())
        {
            var location = $"line {csv.Parser.RawRow}";
            items.Add(new ContentItem(
                csv.GetField("theme") ?? "",
                csv.GetField("quote") ?? "",
                csv.GetField("source") ?? "",
                csv.GetField("prompt") ?? "",
                hasDate ? ParseDate(csv.GetField("date"), $"{location}, field date") : null));
        }

        return new ContentPack(name, defaults.Language, defaults.Start, items);
    }

    private static DateOnly? ParseDate(string? text, string location)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new PackFormatException(new PackProblem(location, $"'{TextCut.Echo(text)}' is not a date as YYYY-MM-DD"));
    }
}

internal sealed record PackDefaults(string Language, DateOnly Start)
{
    // CSV packs carry language and start in the document's caption: "language=en start=2026-12-01".
    public static PackDefaults FromCaption(string? caption, string defaultLanguage, DateOnly today)
    {
        var language = defaultLanguage;
        var start = today;
        foreach (var part in (caption ?? "").Split([' ', '\n', ',', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                continue;
            }

            if (pair[0].Equals("language", StringComparison.OrdinalIgnoreCase))
            {
                language = pair[1];
            }
            else if (pair[0].Equals("start", StringComparison.OrdinalIgnoreCase))
            {
                start = DateOnly.TryParseExact(pair[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                    ? parsed
                    : throw new PackFormatException(new PackProblem("caption", $"start '{TextCut.Echo(pair[1])}' is not a date as YYYY-MM-DD"));
            }
        }

        return new PackDefaults(language, start);
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using StudyBot.Localization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace StudyBot.Content;

// Reads the three pack formats of the contract (docs/contract.md) into one shape. Only the syntax
// and field types are checked here; PackValidator checks the content as a whole.
// (Over 300 lines: three formats and the scan that refuses a hostile YAML or JSON document before
// any tree is built, which must stay next to the readers whose limits it enforces.)
internal static class PackReader
{
    public static readonly IReadOnlyList<string> Extensions = [".yaml", ".yml", ".json", ".csv"];

    // A pack is a mapping whose items are a list of mappings of texts: three collections deep.
    private const int MaxDepth = 3;

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
            var other => throw new PackFormatException(new PackProblem(new PackLocation(File: fileName), "PackNotAFormat", TextCut.Echo(other))),
        };
    }

    private static ContentPack ReadYaml(string text)
    {
        var stream = new YamlStream();
        try
        {
            CheckYamlShape(text);
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new PackFormatException(new PackProblem(new PackLocation(Line: (int)e.Start.Line), "PackBadYaml", e.Message));
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new PackFormatException(new PackProblem(new PackLocation(Line: 1), "PackNotAMapping"));
        }

        string? Scalar(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

        var items = new List<ContentItem>();
        if (root.Children.TryGetValue(new YamlScalarNode("items"), out var itemsNode))
        {
            if (itemsNode is not YamlSequenceNode sequence)
            {
                throw new PackFormatException(new PackProblem(new PackLocation(Line: (int)itemsNode.Start.Line, Field: "items"), "PackNotAList"));
            }

            var index = 0;
            foreach (var node in sequence)
            {
                index++;
                var location = new PackLocation(Line: (int)node.Start.Line, Item: index);
                if (node is not YamlMappingNode item)
                {
                    throw new PackFormatException(new PackProblem(location, "PackNotAnItem"));
                }

                items.Add(new ContentItem(
                    Scalar(item, "theme") ?? "",
                    Scalar(item, "quote") ?? "",
                    Scalar(item, "source") ?? "",
                    Scalar(item, "prompt") ?? "",
                    ParseDate(Scalar(item, "date"), location with { Field = "date" }),
                    ParseFlag(Scalar(item, "intention"), location with { Field = "intention" })));
            }
        }

        return new ContentPack(
            Scalar(root, "pack") ?? "",
            Scalar(root, "language") ?? "",
            ParseDate(Scalar(root, "start"), new PackLocation(Field: "start")) ?? throw new PackFormatException(new PackProblem(new PackLocation(Field: "start"), "PackMissing")),
            items);
    }

    // YamlStream builds its tree by recursion, so a 1 MB "[[[[…" overflows the stack and kills the
    // process, and it hashes a key by walking it, so an alias bomb used as a key walks billions of
    // nodes. The event parser keeps its own stack: the document is read with it first and refused
    // at the first anchor or alias (a pack has no use for them), collection used as a key, or
    // collection nested deeper than a pack's.
    private static void CheckYamlShape(string text)
    {
        var parser = new Parser(new StringReader(text));
        // One entry per open collection: for a mapping, whether its next node is a key.
        var open = new Stack<(bool IsMapping, bool AtKey)>();
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            if (current is AnchorAlias || current is NodeEvent { Anchor.IsEmpty: false })
            {
                throw new PackRefusedException("PackAnchor", current.Start.Line);
            }

            if (current is MappingStart or SequenceStart)
            {
                if (open.TryPeek(out var parent) && parent.IsMapping && parent.AtKey)
                {
                    throw new PackRefusedException("PackKeyNotText", current.Start.Line);
                }

                if (open.Count == MaxDepth)
                {
                    throw new PackRefusedException("PackTooDeep", current.Start.Line);
                }

                open.Push((current is MappingStart, true));
            }
            else if (current is MappingEnd or SequenceEnd)
            {
                open.Pop();
                NodeEnded(open);
            }
            else if (current is Scalar)
            {
                NodeEnded(open);
            }
        }

        static void NodeEnded(Stack<(bool IsMapping, bool AtKey)> open)
        {
            if (open.TryPop(out var parent))
            {
                open.Push((parent.IsMapping, !parent.AtKey));
            }
        }
    }

    private static ContentPack ReadJson(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var options = new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
        JsonDocument document;
        try
        {
            CheckJsonDepth(utf8, options);
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { AllowTrailingCommas = options.AllowTrailingCommas, CommentHandling = options.CommentHandling });
        }
        catch (JsonException e)
        {
            throw new PackFormatException(new PackProblem(new PackLocation(Line: (int)(e.LineNumber ?? 0) + 1), "PackBadJson"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PackFormatException(new PackProblem(new PackLocation(Line: 1), "PackNotAnObject"));
            }

            static string? Text(JsonElement element, string name, PackLocation location) =>
                !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
                : value.ValueKind == JsonValueKind.String ? value.GetString()
                : throw new PackFormatException(new PackProblem(location with { Field = name }, "PackNotAString"));

            static bool Flag(JsonElement element, string name, PackLocation location) =>
                element.TryGetProperty(name, out var value) ? value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False or JsonValueKind.Null => false,
                    _ => throw new PackFormatException(new PackProblem(location with { Field = name }, "PackNotAFlag")),
                } : false;

            var items = new List<ContentItem>();
            if (root.TryGetProperty("items", out var itemsElement))
            {
                if (itemsElement.ValueKind != JsonValueKind.Array)
                {
                    throw new PackFormatException(new PackProblem(new PackLocation(Field: "items"), "PackNotAList"));
                }

                var index = 0;
                foreach (var item in itemsElement.EnumerateArray())
                {
                    index++;
                    var location = new PackLocation(Item: index);
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        throw new PackFormatException(new PackProblem(location, "PackNotAnItem"));
                    }

                    items.Add(new ContentItem(
                        Text(item, "theme", location) ?? "",
                        Text(item, "quote", location) ?? "",
                        Text(item, "source", location) ?? "",
                        Text(item, "prompt", location) ?? "",
                        ParseDate(Text(item, "date", location), location with { Field = "date" }),
                        Flag(item, "intention", location)));
                }
            }

            return new ContentPack(
                Text(root, "pack", default) ?? "",
                Text(root, "language", default) ?? "",
                ParseDate(Text(root, "start", default), new PackLocation(Field: "start")) ?? throw new PackFormatException(new PackProblem(new PackLocation(Field: "start"), "PackMissing")),
                items);
        }
    }

    // JsonDocument stops at 64 levels without harm, but says only "not valid JSON"; this refuses
    // nesting at the depth YAML is refused, saying what is wrong and where.
    private static void CheckJsonDepth(byte[] utf8, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(utf8, options);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= MaxDepth)
            {
                var line = 1 + utf8.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n');
                throw new PackRefusedException("PackTooDeep", line);
            }
        }
    }

    private static ContentPack ReadCsv(string name, string text, PackDefaults defaults)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            MissingFieldFound = null,
            BadDataFound = args => throw new PackFormatException(new PackProblem(new PackLocation(Line: args.Context.Parser?.RawRow), "PackBadQuoting")),
        };
        using var csv = new CsvReader(new StringReader(text), configuration);
        if (!csv.Read() || !csv.ReadHeader())
        {
            throw new PackFormatException(new PackProblem(new PackLocation(Line: 1), "PackNoHeader"));
        }

        string[] required = ["theme", "quote", "source", "prompt"];
        var header = csv.HeaderRecord ?? [];
        var missing = required.FirstOrDefault(column => !header.Any(h => string.Equals(h.Trim(), column, StringComparison.OrdinalIgnoreCase)));
        if (missing is not null)
        {
            throw new PackFormatException(new PackProblem(new PackLocation(Line: 1), "PackNoColumn", missing));
        }

        var hasDate = header.Any(h => string.Equals(h.Trim(), "date", StringComparison.OrdinalIgnoreCase));
        var hasIntention = header.Any(h => string.Equals(h.Trim(), "intention", StringComparison.OrdinalIgnoreCase));
        var items = new List<ContentItem>();
        while (csv.Read())
        {
            var location = new PackLocation(Line: csv.Parser.RawRow);
            items.Add(new ContentItem(
                csv.GetField("theme") ?? "",
                csv.GetField("quote") ?? "",
                csv.GetField("source") ?? "",
                csv.GetField("prompt") ?? "",
                hasDate ? ParseDate(csv.GetField("date"), location with { Field = "date" }) : null,
                hasIntention && ParseFlag(csv.GetField("intention"), location with { Field = "intention" })));
        }

        return new ContentPack(name, defaults.Language, defaults.Start, items);
    }

    // YAML's and CSV's spelling of a yes/no field; left out or empty, it is no.
    private static bool ParseFlag(string? text, PackLocation location) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "false" => false,
        "true" => true,
        _ => throw new PackFormatException(new PackProblem(location, "PackNotAFlag")),
    };

    private static DateOnly? ParseDate(string? text, PackLocation location)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new PackFormatException(new PackProblem(location, "PackNotADate", TextCut.Echo(text)));
    }
}

internal sealed record PackDefaults(string Language, DateOnly Start)
{
    // CSV packs carry language and start in the document's caption: "language=en start=2026-12-01".
    public static PackDefaults FromCaption(string? caption, string defaultLanguage, DateOnly today)
    {
        var language = defaultLanguage;
        var start = today;
        foreach (var (key, value) in CaptionPairs(caption))
        {
            if (key.Equals("language", StringComparison.OrdinalIgnoreCase))
            {
                language = value;
            }
            else if (key.Equals("start", StringComparison.OrdinalIgnoreCase))
            {
                start = IsoDate.TryParse(value, out var parsed)
                    ? parsed
                    : throw new PackFormatException(new PackProblem(new PackLocation(Field: "start", Caption: true), "PackNotADate", TextCut.Echo(value)));
            }
        }

        return new PackDefaults(language, start);
    }

    // An organizer's pack becomes their group's course unless its caption says activate=no.
    public static bool ActivatesFrom(string? caption) =>
        !CaptionPairs(caption).Any(pair => pair.Key.Equals("activate", StringComparison.OrdinalIgnoreCase) && pair.Value.Equals("no", StringComparison.OrdinalIgnoreCase));

    // A caption's key=value pairs, apart by spaces, lines, commas or semicolons; anything else is left out.
    private static IEnumerable<(string Key, string Value)> CaptionPairs(string? caption) =>
        (caption ?? "").Split([' ', '\n', ',', ';'], StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .Select(pair => (pair[0], pair[1]));
}

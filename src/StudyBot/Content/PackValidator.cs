using System.Globalization;
using StudyBot.Localization;

namespace StudyBot.Content;

// A pack is imported whole or not at all, so every rule is checked before anything is written.
internal sealed class PackValidator(Texts texts)
{
    public const int TelegramMessageLimit = 4096;

    // A course of a few years of study days; more is a file made by mistake.
    public const int MaxItems = 1000;

    public IReadOnlyList<PackProblem> Validate(ContentPack pack)
    {
        var problems = new List<PackProblem>();
        if (string.IsNullOrWhiteSpace(pack.Name))
        {
            problems.Add(new PackProblem(new PackLocation(Field: "pack"), "PackMissing"));
        }
        else if (pack.Name.Length > 100)
        {
            problems.Add(new PackProblem(new PackLocation(Field: "pack"), "PackTooLong", 100));
        }

        var language = Languages.Normalize(pack.Language);
        if (language is null)
        {
            problems.Add(new PackProblem(new PackLocation(Field: "language"), "PackUnknownLanguage", TextCut.Echo(pack.Language), string.Join(", ", Languages.Supported)));
        }

        if (pack.Items.Count == 0)
        {
            problems.Add(new PackProblem(new PackLocation(Field: "items"), "PackNoItems"));
        }
        else if (pack.Items.Count > MaxItems)
        {
            problems.Add(new PackProblem(new PackLocation(Field: "items"), "PackTooManyItems", pack.Items.Count, MaxItems));
        }

        var quotes = new Dictionary<string, int>(StringComparer.Ordinal);
        var pinned = new Dictionary<DateOnly, int>();
        for (var i = 0; i < pack.Items.Count; i++)
        {
            var item = pack.Items[i];
            var location = new PackLocation(Item: i + 1);
            foreach (var (field, value) in new[] { ("theme", item.Theme), ("quote", item.Quote), ("source", item.Source), ("prompt", item.Prompt) })
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    problems.Add(new PackProblem(location with { Field = field }, "PackMissing"));
                }
            }

            if (!string.IsNullOrWhiteSpace(item.Quote) && !quotes.TryAdd(item.Quote.Trim(), i + 1))
            {
                problems.Add(new PackProblem(location with { Field = "quote" }, "PackRepeats", quotes[item.Quote.Trim()]));
            }

            if (item.Date is { } date && !pinned.TryAdd(date, i + 1))
            {
                problems.Add(new PackProblem(location with { Field = "date" }, "PackPinnedTwice", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), pinned[date]));
            }

            if (language is not null)
            {
                var length = DeliveryText.Format(texts, language, item).Length;
                if (length > TelegramMessageLimit)
                {
                    problems.Add(new PackProblem(location, "PackOverMessageLimit", length, TelegramMessageLimit));
                }
            }
        }

        return problems;
    }
}

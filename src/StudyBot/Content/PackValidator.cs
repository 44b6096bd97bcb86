using StudyBot.Localization;

namespace StudyBot.Content;

// A pack is imported whole or not at all, so every rule is checked before anything is written.
internal sealed class PackValidator(Texts texts)
{
    public const int TelegramMessageLimit = 4096;

    public IReadOnlyList<PackProblem> Validate(ContentPack pack)
    {
        var problems = new List<PackProblem>();
        if (string.IsNullOrWhiteSpace(pack.Name))
        {
            problems.Add(new PackProblem("field pack", "is missing"));
        }
        else if (pack.Name.Length > 100)
        {
            problems.Add(new PackProblem("field pack", "is longer than 100 characters"));
        }

        var language = Languages.Normalize(pack.Language);
        if (language is null)
        {
            problems.Add(new PackProblem("field language", $"'{TextCut.Echo(pack.Language)}' is not one of {string.Join(", ", Languages.Supported)}"));
        }

        if (pack.Items.Count == 0)
        {
            problems.Add(new PackProblem("field items", "the pack has no items"));
        }

        var quotes = new Dictionary<string, int>(StringComparer.Ordinal);
        var pinned = new Dictionary<DateOnly, int>();
        for (var i = 0; i < pack.Items.Count; i++)
        {
            var item = pack.Items[i];
            var location = $"item {i + 1}";
            foreach (var (field, value) in new[] { ("theme", item.Theme), ("quote", item.Quote), ("source", item.Source), ("prompt", item.Prompt) })
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    problems.Add(new PackProblem($"{location}, field {field}", "is missing"));
                }
            }

            if (!string.IsNullOrWhiteSpace(item.Quote) && !quotes.TryAdd(item.Quote.Trim(), i + 1))
            {
                problems.Add(new PackProblem($"{location}, field quote", $"repeats item {quotes[item.Quote.Trim()]}"));
            }

            if (item.Date is { } date && !pinned.TryAdd(date, i + 1))
            {
                problems.Add(new PackProblem($"{location}, field date", $"{date:yyyy-MM-dd} is already pinned by item {pinned[date]}"));
            }

            if (language is not null)
            {
                var length = DeliveryText.Format(texts, language, item).Length;
                if (length > TelegramMessageLimit)
                {
                    problems.Add(new PackProblem(location, $"formatted it is {length} characters, over Telegram's {TelegramMessageLimit}"));
                }
            }
        }

        return problems;
    }
}

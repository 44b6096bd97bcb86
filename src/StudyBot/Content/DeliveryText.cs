using StudyBot.Localization;

namespace StudyBot.Content;

internal static class DeliveryText
{
    public static string Format(Texts texts, string language, ContentItem item) =>
        texts.Get(language, "Delivery", item.Theme.Trim(), item.Quote.Trim(), item.Source.Trim(), item.Prompt.Trim());
}

using StudyBot.Localization;

namespace StudyBot.Content;

internal static class DeliveryText
{
    public static string Format(Texts texts, string language, ContentItem item) =>
        texts.Get(language, "Delivery", item.Theme.Trim(), Quoted(texts, language, item.Quote), item.Source.Trim(), item.Prompt.Trim());

    // Every text that shows a pack's quotation marks it here, so a reader sees one style in their
    // language (「…」 in Chinese, “…” in English) wherever it appears.
    public static string Quoted(Texts texts, string language, string quote) =>
        texts.Get(language, "Quoted", quote.Trim());
}

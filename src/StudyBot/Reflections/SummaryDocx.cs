using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using LanguageTag = DocumentFormat.OpenXml.Wordprocessing.Languages;

namespace StudyBot.Reflections;

// The summary as a Word document the learner edits into their final text. Built only from the
// built-in style ids (Title, Heading1, Heading2, Quote), so Word and LibreOffice both show it as a
// normal outline. A .docx carries no fonts: the names set here are what the reader substitutes.
internal static class SummaryDocx
{
    private const string LatinFont = "Calibri";
    private const string ChineseFont = "SimSun";

    public static byte[] Render(SummaryDocument document)
    {
        using var stream = new MemoryStream();
        using (var package = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            package.PackageProperties.Title = Clean(document.Texts.Title);
            package.PackageProperties.Creator = "StudyBot";

            var main = package.AddMainDocumentPart();
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = Styles(document.Texts.Language);

            var body = new Body();
            body.Append(Paragraph("Title", document.Texts.Title));
            body.Append(Paragraph(null, document.PeriodLine));
            foreach (var theme in document.Themes)
            {
                body.Append(Paragraph("Heading1", theme.Name));
                foreach (var quotation in theme.Quotations)
                {
                    body.Append(Paragraph("Quote", quotation.Quote));
                    body.Append(Paragraph("Quote", document.Texts.SourcePrefix + quotation.Source, JustificationValues.Right));
                    foreach (var reflection in quotation.Reflections)
                    {
                        body.Append(DateParagraph(reflection.Date));
                        body.Append(TextParagraphs(reflection.Text));
                    }
                }
            }

            body.Append(Paragraph("Heading1", document.Texts.NextSteps));
            if (document.NextSteps.Count == 0)
            {
                body.Append(Paragraph(null, document.Texts.NoNextSteps));
            }

            foreach (var step in document.NextSteps)
            {
                body.Append(DateParagraph(step.Date));
                body.Append(TextParagraphs(step.Text));
            }

            // A4 with 2.5 cm margins (sizes in twentieths of a point).
            body.Append(new SectionProperties(
                new PageSize { Width = 11906U, Height = 16838U },
                new PageMargin { Top = 1417, Right = 1417U, Bottom = 1417, Left = 1417U, Header = 708U, Footer = 708U, Gutter = 0U }));
            main.Document = new Document(body);
        }

        return stream.ToArray();
    }

    private static Paragraph Paragraph(string? style, string text, JustificationValues? justification = null)
    {
        var properties = new ParagraphProperties();
        if (style is not null)
        {
            properties.ParagraphStyleId = new ParagraphStyleId { Val = style };
        }

        if (justification is { } value)
        {
            properties.Justification = new Justification { Val = value };
        }

        return new Paragraph(properties, TextRun(text));
    }

    private static Paragraph DateParagraph(DateOnly date) =>
        new(
            new ParagraphProperties(new KeepNext(), new SpacingBetweenLines { Before = "160", After = "40" }),
            new Run(new RunProperties(new Bold(), new Color { Val = "595959" }), new Text(SummaryDocument.Date(date))));

    // Each line of a reflection is a paragraph of its own, as the learner wrote it.
    private static IEnumerable<Paragraph> TextParagraphs(string text) =>
        text.ReplaceLineEndings("\n").Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0)
            .DefaultIfEmpty("")
            .Select(line => new Paragraph(TextRun(line)));

    private static Run TextRun(string text) => new(new Text(Clean(text)) { Space = SpaceProcessingModeValues.Preserve });

    private static Styles Styles(string language)
    {
        var chinese = Localization.Languages.Normalize(language) == Localization.Languages.Chinese;
        var defaults = new DocDefaults(
            new RunPropertiesDefault(new RunPropertiesBaseStyle(
                new RunFonts { Ascii = LatinFont, HighAnsi = LatinFont, EastAsia = ChineseFont, ComplexScript = LatinFont },
                new FontSize { Val = "22" },
                new FontSizeComplexScript { Val = "22" },
                new LanguageTag { Val = chinese ? "zh-CN" : "en-US", EastAsia = "zh-CN" })),
            new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(
                new SpacingBetweenLines { After = "120", Line = "288", LineRule = LineSpacingRuleValues.Auto })));

        return new Styles(
            defaults,
            new Style(
                new StyleName { Val = "Normal" },
                new PrimaryStyle())
            { Type = StyleValues.Paragraph, StyleId = "Normal", Default = true },
            HeadingStyle("Title", "Title", size: "48", outline: null, spacingAfter: "240"),
            HeadingStyle("Heading1", "heading 1", size: "32", outline: 0, spacingAfter: "120"),
            HeadingStyle("Heading2", "heading 2", size: "26", outline: 1, spacingAfter: "80"),
            new Style(
                new StyleName { Val = "Quote" },
                new BasedOn { Val = "Normal" },
                new NextParagraphStyle { Val = "Normal" },
                new PrimaryStyle(),
                new StyleParagraphProperties(
                    new KeepNext(),
                    new SpacingBetweenLines { After = "60" },
                    new Indentation { Left = "567", Right = "567" }),
                new StyleRunProperties(new Italic(), new Color { Val = "404040" }))
            { Type = StyleValues.Paragraph, StyleId = "Quote" });
    }

    private static Style HeadingStyle(string id, string name, string size, int? outline, string spacingAfter)
    {
        var paragraph = new StyleParagraphProperties(new KeepNext(), new SpacingBetweenLines { Before = "240", After = spacingAfter });
        if (outline is { } level)
        {
            paragraph.Append(new OutlineLevel { Val = level });
        }

        return new Style(
            new StyleName { Val = name },
            new BasedOn { Val = "Normal" },
            new NextParagraphStyle { Val = "Normal" },
            new PrimaryStyle(),
            paragraph,
            new StyleRunProperties(new Bold(), new FontSize { Val = size }, new FontSizeComplexScript { Val = size }))
        { Type = StyleValues.Paragraph, StyleId = id };
    }

    // XML cannot hold most control characters; a learner's text may contain one.
    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (XmlConvert.IsXmlChar(c) && c != '\r')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

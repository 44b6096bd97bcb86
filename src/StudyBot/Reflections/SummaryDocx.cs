using System.Xml;
using StudyBot.Documents;

namespace StudyBot.Reflections;

// The summary as a Word document the learner edits into their final text. Built only from the
// built-in style ids (Title, Heading1, Heading2, Quote), so Word and LibreOffice both show it as a
// normal outline. A .docx carries no fonts: the names set here are what the reader substitutes.
// Child elements are written in the order the WordprocessingML schema requires.
internal static class SummaryDocx
{
    private const string W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    private const string LatinFont = "Calibri";
    private const string ChineseFont = "SimSun";

    public static byte[] Render(SummaryDocument document) => OfficePackage.Build(office =>
    {
        office.Properties.Title = OfficePackage.XmlSafe(document.Texts.Title);
        office.Properties.Creator = "StudyBot";

        var main = office.AddMainPart("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml");
        var (styles, _) = office.AddPart(main, "/word/styles.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml", "styles");
        using (var xml = OfficePackage.Write(styles))
        {
            WriteStyles(xml, document.Texts.Language);
        }

        using (var xml = OfficePackage.Write(main))
        {
            WriteBody(xml, document);
        }
    });

    private static void WriteBody(XmlWriter xml, SummaryDocument document)
    {
        xml.WriteStartElement("w", "document", W);
        xml.WriteStartElement("body", W);
        Paragraph(xml, "Title", document.Texts.Title);
        Paragraph(xml, null, document.PeriodLine);
        foreach (var theme in document.Themes)
        {
            Paragraph(xml, "Heading1", theme.Name);
            foreach (var quotation in theme.Quotations)
            {
                Paragraph(xml, "Quote", quotation.Quote);
                Paragraph(xml, "Quote", document.Texts.SourcePrefix + quotation.Source, rightAligned: true);
                foreach (var reflection in quotation.Reflections)
                {
                    DateParagraph(xml, document.DateLabel(reflection));
                    TextParagraphs(xml, reflection.Text);
                    foreach (var comment in reflection.Comments ?? [])
                    {
                        TextParagraphs(xml, document.Texts.CommentPrefix + comment);
                    }
                }
            }
        }

        Paragraph(xml, "Heading1", document.Texts.NextSteps);
        if (document.NextSteps.Count == 0)
        {
            Paragraph(xml, null, document.Texts.NoNextSteps);
        }

        foreach (var step in document.NextSteps)
        {
            DateParagraph(xml, document.DateLabel(step));
            TextParagraphs(xml, step.Text);
        }

        // A4 with 2.5 cm margins (sizes in twentieths of a point).
        xml.WriteStartElement("sectPr", W);
        Empty(xml, "pgSz", ("w", "11906"), ("h", "16838"));
        Empty(xml, "pgMar", ("top", "1417"), ("right", "1417"), ("bottom", "1417"), ("left", "1417"), ("header", "708"), ("footer", "708"), ("gutter", "0"));
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void Paragraph(XmlWriter xml, string? style, string text, bool rightAligned = false)
    {
        xml.WriteStartElement("p", W);
        xml.WriteStartElement("pPr", W);
        if (style is not null)
        {
            Empty(xml, "pStyle", ("val", style));
        }

        if (rightAligned)
        {
            Empty(xml, "jc", ("val", "right"));
        }

        xml.WriteEndElement();
        Run(xml, text);
        xml.WriteEndElement();
    }

    private static void DateParagraph(XmlWriter xml, string date)
    {
        xml.WriteStartElement("p", W);
        xml.WriteStartElement("pPr", W);
        Empty(xml, "keepNext");
        Empty(xml, "spacing", ("before", "160"), ("after", "40"));
        xml.WriteEndElement();
        xml.WriteStartElement("r", W);
        xml.WriteStartElement("rPr", W);
        Empty(xml, "b");
        Empty(xml, "color", ("val", "595959"));
        xml.WriteEndElement();
        xml.WriteElementString("t", W, OfficePackage.XmlSafe(date));
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    // Each line of a reflection is a paragraph of its own, as the learner wrote it.
    private static void TextParagraphs(XmlWriter xml, string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0)
            .DefaultIfEmpty("");
        foreach (var line in lines)
        {
            xml.WriteStartElement("p", W);
            Run(xml, line);
            xml.WriteEndElement();
        }
    }

    private static void Run(XmlWriter xml, string text)
    {
        xml.WriteStartElement("r", W);
        OfficePackage.WriteText(xml, W, text);
        xml.WriteEndElement();
    }

    private static void WriteStyles(XmlWriter xml, string language)
    {
        var chinese = Localization.Languages.Normalize(language) == Localization.Languages.Chinese;
        xml.WriteStartElement("w", "styles", W);

        xml.WriteStartElement("docDefaults", W);
        xml.WriteStartElement("rPrDefault", W);
        xml.WriteStartElement("rPr", W);
        Empty(xml, "rFonts", ("ascii", LatinFont), ("hAnsi", LatinFont), ("eastAsia", ChineseFont), ("cs", LatinFont));
        Empty(xml, "sz", ("val", "22"));
        Empty(xml, "szCs", ("val", "22"));
        Empty(xml, "lang", ("val", chinese ? "zh-CN" : "en-US"), ("eastAsia", "zh-CN"));
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteStartElement("pPrDefault", W);
        xml.WriteStartElement("pPr", W);
        Empty(xml, "spacing", ("after", "120"), ("line", "288"), ("lineRule", "auto"));
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();

        StartStyle(xml, "Normal", "Normal", basedOnNormal: false, isDefault: true);
        xml.WriteEndElement();

        HeadingStyle(xml, "Title", "Title", size: "48", outline: null, spacingAfter: "240");
        HeadingStyle(xml, "Heading1", "heading 1", size: "32", outline: 0, spacingAfter: "120");
        HeadingStyle(xml, "Heading2", "heading 2", size: "26", outline: 1, spacingAfter: "80");

        StartStyle(xml, "Quote", "Quote", basedOnNormal: true);
        xml.WriteStartElement("pPr", W);
        Empty(xml, "keepNext");
        Empty(xml, "spacing", ("after", "60"));
        Empty(xml, "ind", ("left", "567"), ("right", "567"));
        xml.WriteEndElement();
        xml.WriteStartElement("rPr", W);
        Empty(xml, "i");
        Empty(xml, "color", ("val", "404040"));
        xml.WriteEndElement();
        xml.WriteEndElement();

        xml.WriteEndElement();
    }

    private static void HeadingStyle(XmlWriter xml, string id, string name, string size, int? outline, string spacingAfter)
    {
        StartStyle(xml, id, name, basedOnNormal: true);
        xml.WriteStartElement("pPr", W);
        Empty(xml, "keepNext");
        Empty(xml, "spacing", ("before", "240"), ("after", spacingAfter));
        if (outline is { } level)
        {
            Empty(xml, "outlineLvl", ("val", level.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        xml.WriteEndElement();
        xml.WriteStartElement("rPr", W);
        Empty(xml, "b");
        Empty(xml, "sz", ("val", size));
        Empty(xml, "szCs", ("val", size));
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    // Opens a paragraph style with its name, what it is based on and its successor; the caller adds
    // pPr and rPr and closes it.
    private static void StartStyle(XmlWriter xml, string id, string name, bool basedOnNormal, bool isDefault = false)
    {
        xml.WriteStartElement("style", W);
        xml.WriteAttributeString("type", W, "paragraph");
        if (isDefault)
        {
            xml.WriteAttributeString("default", W, "1");
        }

        xml.WriteAttributeString("styleId", W, id);
        Empty(xml, "name", ("val", name));
        if (basedOnNormal)
        {
            Empty(xml, "basedOn", ("val", "Normal"));
            Empty(xml, "next", ("val", "Normal"));
        }

        Empty(xml, "qFormat");
    }

    private static void Empty(XmlWriter xml, string name, params (string Name, string Value)[] attributes)
    {
        xml.WriteStartElement(name, W);
        foreach (var (attribute, value) in attributes)
        {
            xml.WriteAttributeString(attribute, W, value);
        }

        xml.WriteEndElement();
    }
}

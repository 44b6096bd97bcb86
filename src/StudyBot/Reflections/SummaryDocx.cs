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
    private const string WordDrawing = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
    private const string Drawing = "http://schemas.openxmlformats.org/drawingml/2006/main";
    private const string DrawingPicture = "http://schemas.openxmlformats.org/drawingml/2006/picture";

    // Pictures fit the text's width (A4 less its margins: 9,072 twips) and at most two thirds of
    // its height, in EMUs (635 to a twip); a picture's pixels are taken at 96 dpi (9,525 EMUs).
    private const long MaxPictureWidth = 9072L * 635;
    private const long MaxPictureHeight = 9000L * 635;
    private const long EmusPerPixel = 9525;

    // photos: the photo answers' pictures by Telegram file id; one not there is named in words.
    public static byte[] Render(SummaryDocument document, IReadOnlyDictionary<string, Picture>? photos = null) => OfficePackage.Build(office =>
    {
        office.Properties.Title = OfficePackage.XmlSafe(document.Texts.Title);
        office.Properties.Creator = "StudyBot";

        var main = office.AddMainPart("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml");
        var (styles, _) = office.AddPart(main, "/word/styles.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml", "styles");
        using (var xml = OfficePackage.Write(styles))
        {
            WriteStyles(xml, document.Texts.Language);
        }

        var placed = new Dictionary<string, PlacedPicture>(StringComparer.Ordinal);
        foreach (var (fileId, picture) in photos ?? new Dictionary<string, Picture>())
        {
            var number = placed.Count + 1;
            var (part, relationshipId) = office.AddPart(main, $"/word/media/photo{number}.{picture.Extension}", picture.ContentType, "image");
            using (var stream = part.GetStream(FileMode.Create, FileAccess.Write))
            {
                stream.Write(picture.Bytes);
            }

            placed[fileId] = new PlacedPicture(picture, relationshipId, number);
        }

        using (var xml = OfficePackage.Write(main))
        {
            WriteBody(xml, document, placed);
        }
    });

    private sealed record PlacedPicture(Picture Picture, string RelationshipId, int Number);

    private static void WriteBody(XmlWriter xml, SummaryDocument document, IReadOnlyDictionary<string, PlacedPicture> pictures)
    {
        xml.WriteStartElement("w", "document", W);
        xml.WriteAttributeString("xmlns", "r", null, OfficePackage.RelationshipsNamespace);
        xml.WriteAttributeString("xmlns", "wp", null, WordDrawing);
        xml.WriteAttributeString("xmlns", "a", null, Drawing);
        xml.WriteAttributeString("xmlns", "pic", null, DrawingPicture);
        xml.WriteStartElement("body", W);
        Paragraph(xml, "Title", document.Texts.Title);
        if (document.CourseLine is { } course)
        {
            Paragraph(xml, null, course);
        }

        Paragraph(xml, null, document.PeriodLine);
        if (document.Opening is { } opening)
        {
            TextParagraphs(xml, opening);
        }

        foreach (var theme in document.Themes)
        {
            Paragraph(xml, "Heading1", theme.Heading);
            foreach (var quotation in theme.Quotations)
            {
                Paragraph(xml, "Quote", quotation.Quote);
                Paragraph(xml, "Quote", document.Texts.SourcePrefix + quotation.Source, rightAligned: true);
                foreach (var reflection in quotation.Reflections)
                {
                    DateParagraph(xml, document.DateLabel(reflection));
                    AnswerParagraphs(xml, document, reflection, pictures);
                    foreach (var comment in reflection.Comments ?? [])
                    {
                        TextParagraphs(xml, document.Texts.CommentPrefix + comment);
                    }
                }
            }
        }

        Paragraph(xml, "Heading1", document.Texts.NextSteps);
        if (document.WrittenNextSteps is { } written)
        {
            TextParagraphs(xml, written);
        }
        else if (document.NextSteps.Count == 0)
        {
            Paragraph(xml, null, document.Texts.NoNextSteps);
        }

        foreach (var step in document.NextSteps)
        {
            DateParagraph(xml, document.DateLabel(step));
            AnswerParagraphs(xml, document, step, pictures);
        }

        if (document.Closing is { } closing)
        {
            TextParagraphs(xml, closing);
        }

        // A4 with 2.5 cm margins (sizes in twentieths of a point).
        xml.WriteStartElement("sectPr", W);
        Empty(xml, "pgSz", ("w", "11906"), ("h", "16838"));
        Empty(xml, "pgMar", ("top", "1417"), ("right", "1417"), ("bottom", "1417"), ("left", "1417"), ("header", "708"), ("footer", "708"), ("gutter", "0"));
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void Paragraph(XmlWriter xml, string? style, string text, bool rightAligned = false, bool italic = false)
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
        xml.WriteStartElement("r", W);
        if (italic)
        {
            xml.WriteStartElement("rPr", W);
            Empty(xml, "i");
            xml.WriteEndElement();
        }

        OfficePackage.WriteText(xml, W, text);
        xml.WriteEndElement();
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

    // A photo answer is its picture (or, if it could not be fetched, a line saying so), a voice
    // answer its length; then the caption or text.
    private static void AnswerParagraphs(XmlWriter xml, SummaryDocument document, SummaryReflection reflection, IReadOnlyDictionary<string, PlacedPicture> pictures)
    {
        if (reflection.PhotoFileId is { } fileId && pictures.TryGetValue(fileId, out var picture))
        {
            PictureParagraph(xml, picture);
        }
        else if (reflection.MediaLine is { } media)
        {
            var missing = reflection.PhotoFileId is null ? "" : " " + document.Texts.PhotoMissing;
            Paragraph(xml, null, (media + missing).Trim(), italic: true);
        }

        if (reflection.MediaLine is null || reflection.Text.Length > 0)
        {
            TextParagraphs(xml, reflection.Text);
        }
    }

    // An inline picture, scaled down to fit the text's width and height, never up.
    private static void PictureParagraph(XmlWriter xml, PlacedPicture placed)
    {
        var width = placed.Picture.Width * EmusPerPixel;
        var height = placed.Picture.Height * EmusPerPixel;
        var scale = Math.Min(1.0, Math.Min((double)MaxPictureWidth / width, (double)MaxPictureHeight / height));
        var cx = ((long)(width * scale)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var cy = ((long)(height * scale)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var id = placed.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var name = "photo" + id;

        xml.WriteStartElement("p", W);
        xml.WriteStartElement("r", W);
        xml.WriteStartElement("drawing", W);
        xml.WriteStartElement("inline", WordDrawing);
        foreach (var side in (string[])["distT", "distB", "distL", "distR"])
        {
            xml.WriteAttributeString(side, "0");
        }

        DrawingEmpty(xml, WordDrawing, "extent", ("cx", cx), ("cy", cy));
        DrawingEmpty(xml, WordDrawing, "docPr", ("id", id), ("name", name));
        xml.WriteStartElement("graphic", Drawing);
        xml.WriteStartElement("graphicData", Drawing);
        xml.WriteAttributeString("uri", DrawingPicture);
        xml.WriteStartElement("pic", DrawingPicture);
        xml.WriteStartElement("nvPicPr", DrawingPicture);
        DrawingEmpty(xml, DrawingPicture, "cNvPr", ("id", id), ("name", name));
        DrawingEmpty(xml, DrawingPicture, "cNvPicPr");
        xml.WriteEndElement();
        xml.WriteStartElement("blipFill", DrawingPicture);
        xml.WriteStartElement("blip", Drawing);
        xml.WriteAttributeString("embed", OfficePackage.RelationshipsNamespace, placed.RelationshipId);
        xml.WriteEndElement();
        xml.WriteStartElement("stretch", Drawing);
        DrawingEmpty(xml, Drawing, "fillRect");
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteStartElement("spPr", DrawingPicture);
        xml.WriteStartElement("xfrm", Drawing);
        DrawingEmpty(xml, Drawing, "off", ("x", "0"), ("y", "0"));
        DrawingEmpty(xml, Drawing, "ext", ("cx", cx), ("cy", cy));
        xml.WriteEndElement();
        xml.WriteStartElement("prstGeom", Drawing);
        xml.WriteAttributeString("prst", "rect");
        DrawingEmpty(xml, Drawing, "avLst");
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement(); // pic
        xml.WriteEndElement(); // graphicData
        xml.WriteEndElement(); // graphic
        xml.WriteEndElement(); // inline
        xml.WriteEndElement(); // drawing
        xml.WriteEndElement(); // r
        xml.WriteEndElement(); // p
    }

    // DrawingML's attributes have no namespace, unlike WordprocessingML's.
    private static void DrawingEmpty(XmlWriter xml, string elementNamespace, string name, params (string Name, string Value)[] attributes)
    {
        xml.WriteStartElement(name, elementNamespace);
        foreach (var (attribute, value) in attributes)
        {
            xml.WriteAttributeString(attribute, value);
        }

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

using System.Globalization;
using System.Xml;
using StudyBot.Documents;

namespace StudyBot.Reports;

// The participation report as an XLSX an organizer can send upward as it is: a members sheet, a
// member-by-day sheet coloured by mark, and the daily completion chart. Headers are frozen, columns
// sized, dates are dates and rates are percentages. Written straight to a file, part by part.
// (Over 300 lines: the styles, three sheets and the drawing are one document's layout, and read
// best together, in the order the package holds them.)
internal static class ReportWorkbook
{
    private const string Spreadsheet = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Drawing = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing";
    private const string DrawingMain = "http://schemas.openxmlformats.org/drawingml/2006/main";
    private const string SheetType = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";

    // Cell styles, by their index in styles.xml's cellXfs.
    private const int Header = 1;
    private const int DateCell = 2;
    private const int Percent = 3;
    private const int Green = 4;
    private const int Yellow = 5;
    private const int Red = 6;
    private const int Grey = 7;

    // EMU per pixel at 96 dpi.
    private const long Emu = 9525;

    public static void Write(string path, ReportContent content)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        using var office = OfficePackage.CreateStreaming(file);
        var workbook = office.AddMainPart("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml");
        string[] sheetNames = [content.Labels.MembersSheet, content.Labels.DaysSheet, content.Labels.ChartSheet];
        var sheetIds = new List<string>();
        for (var i = 0; i < sheetNames.Length; i++)
        {
            sheetIds.Add(OfficePackage.Relate(workbook, $"/xl/worksheets/sheet{i + 1}.xml", "worksheet"));
        }

        OfficePackage.Relate(workbook, "/xl/styles.xml", "styles");
        using (var xml = OfficePackage.Write(workbook))
        {
            xml.WriteStartElement("workbook", Spreadsheet);
            xml.WriteAttributeString("xmlns", "r", null, OfficePackage.RelationshipsNamespace);
            xml.WriteStartElement("sheets", Spreadsheet);
            for (var i = 0; i < sheetNames.Length; i++)
            {
                xml.WriteStartElement("sheet", Spreadsheet);
                xml.WriteAttributeString("name", OfficePackage.XmlSafe(sheetNames[i]));
                xml.WriteAttributeString("sheetId", (i + 1).ToString(CultureInfo.InvariantCulture));
                xml.WriteAttributeString("id", OfficePackage.RelationshipsNamespace, sheetIds[i]);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        WriteStyles(office);
        WriteMembers(office, content);
        WriteDays(office, content);
        WriteChart(office, content);
    }

    private static void WriteStyles(OfficePackage office)
    {
        using var xml = OfficePackage.Write(office.AddPart("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"));
        xml.WriteStartElement("styleSheet", Spreadsheet);
        xml.WriteStartElement("fonts", Spreadsheet);
        xml.WriteAttributeString("count", "2");
        xml.WriteStartElement("font", Spreadsheet);
        xml.WriteEndElement();
        xml.WriteStartElement("font", Spreadsheet);
        xml.WriteStartElement("b", Spreadsheet);
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();

        // Fills 0 and 1 are the two Excel requires; then green, yellow, red, grey.
        string[] colours = ["FFC6EFCE", "FFFFEB9C", "FFFFC7CE", "FFEDEDED"];
        xml.WriteStartElement("fills", Spreadsheet);
        xml.WriteAttributeString("count", (2 + colours.Length).ToString(CultureInfo.InvariantCulture));
        foreach (var pattern in new[] { "none", "gray125" })
        {
            xml.WriteStartElement("fill", Spreadsheet);
            xml.WriteStartElement("patternFill", Spreadsheet);
            xml.WriteAttributeString("patternType", pattern);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        foreach (var colour in colours)
        {
            xml.WriteStartElement("fill", Spreadsheet);
            xml.WriteStartElement("patternFill", Spreadsheet);
            xml.WriteAttributeString("patternType", "solid");
            xml.WriteStartElement("fgColor", Spreadsheet);
            xml.WriteAttributeString("rgb", colour);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteStartElement("borders", Spreadsheet);
        xml.WriteAttributeString("count", "1");
        xml.WriteStartElement("border", Spreadsheet);
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteStartElement("cellStyleXfs", Spreadsheet);
        xml.WriteAttributeString("count", "1");
        Xf(xml, numFmt: 0, font: 0, fill: 0);
        xml.WriteEndElement();

        // default, header (bold), date (yyyy-mm-dd: 14), percent (9), then the four marks.
        xml.WriteStartElement("cellXfs", Spreadsheet);
        xml.WriteAttributeString("count", "8");
        Xf(xml, 0, 0, 0);
        Xf(xml, 0, 1, 0);
        Xf(xml, 14, 0, 0);
        Xf(xml, 9, 0, 0);
        for (var fill = 2; fill < 6; fill++)
        {
            Xf(xml, 0, 0, fill);
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void Xf(XmlWriter xml, int numFmt, int font, int fill)
    {
        xml.WriteStartElement("xf", Spreadsheet);
        xml.WriteAttributeString("numFmtId", numFmt.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("fontId", font.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("fillId", fill.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("borderId", "0");
        if (numFmt != 0)
        {
            xml.WriteAttributeString("applyNumberFormat", "1");
        }

        if (fill != 0)
        {
            xml.WriteAttributeString("applyFill", "1");
        }

        xml.WriteEndElement();
    }

    private static void WriteMembers(OfficePackage office, ReportContent content)
    {
        using var xml = StartSheet(office, 1, frozenColumns: 1, [22, 18, 14, 12, 12, 12, 12, 10, 10, 10]);
        var row = 1;
        StartRow(xml, row);
        foreach (var header in content.Labels.MemberColumns)
        {
            TextCell(xml, header, Header);
        }

        xml.WriteEndElement();
        foreach (var member in content.Members)
        {
            StartRow(xml, ++row);
            TextCell(xml, member.Member.DisplayName);
            TextCell(xml, member.Member.Username is { Length: > 0 } username ? "@" + username : "");
            NumberCell(xml, member.Delivered);
            NumberCell(xml, member.OnTime);
            NumberCell(xml, member.MadeUp);
            NumberCell(xml, member.Missed);
            if (member.ReplyRate is { } rate)
            {
                NumberCell(xml, rate, Percent);
            }
            else
            {
                TextCell(xml, "");
            }

            NumberCell(xml, member.Points);
            NumberCell(xml, member.Shared);
            NumberCell(xml, member.Featured);
            xml.WriteEndElement();
        }

        EndSheet(xml);
    }

    private static void WriteDays(OfficePackage office, ReportContent content)
    {
        var dayCount = content.To.DayNumber - content.From.DayNumber + 1;
        using var xml = StartSheet(office, 2, frozenColumns: 1, [22, .. Enumerable.Repeat(11.0, dayCount)]);
        StartRow(xml, 1);
        TextCell(xml, content.Labels.MemberColumns[0], Header);
        for (var day = content.From; day <= content.To; day = day.AddDays(1))
        {
            NumberCell(xml, day.ToDateTime(TimeOnly.MinValue).ToOADate(), DateCell);
        }

        xml.WriteEndElement();
        var row = 1;
        foreach (var member in content.Members)
        {
            StartRow(xml, ++row);
            TextCell(xml, member.Member.DisplayName);
            foreach (var mark in member.Days)
            {
                var (text, style) = mark switch
                {
                    DayMark.OnTime => (content.Labels.OnTime, Green),
                    DayMark.MadeUp => (content.Labels.MadeUp, Yellow),
                    DayMark.Missed => (content.Labels.Missed, Red),
                    DayMark.NoStudyDay => (content.Labels.NoStudyDay, Grey),
                    _ => ("", 0),
                };
                TextCell(xml, text, style);
            }

            xml.WriteEndElement();
        }

        EndSheet(xml);
    }

    // The chart as a picture on its own sheet: every spreadsheet program shows it alike.
    private static void WriteChart(OfficePackage office, ReportContent content)
    {
        const string sheetPath = "/xl/worksheets/sheet3.xml";
        const string drawingPath = "/xl/drawings/drawing1.xml";
        const string imagePath = "/xl/media/chart1.png";
        var sheet = office.AddPart(sheetPath, SheetType);
        var drawingId = OfficePackage.Relate(sheet, drawingPath, "drawing");
        using (var xml = OfficePackage.Write(sheet))
        {
            xml.WriteStartElement("worksheet", Spreadsheet);
            xml.WriteAttributeString("xmlns", "r", null, OfficePackage.RelationshipsNamespace);
            xml.WriteStartElement("sheetData", Spreadsheet);
            xml.WriteEndElement();
            if (content.ChartPng is not null)
            {
                xml.WriteStartElement("drawing", Spreadsheet);
                xml.WriteAttributeString("id", OfficePackage.RelationshipsNamespace, drawingId);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        var drawing = office.AddPart(drawingPath, "application/vnd.openxmlformats-officedocument.drawing+xml");
        var imageId = OfficePackage.Relate(drawing, imagePath, "image");
        using (var xml = OfficePackage.Write(drawing))
        {
            xml.WriteStartElement("xdr", "wsDr", Drawing);
            xml.WriteAttributeString("xmlns", "a", null, DrawingMain);
            xml.WriteAttributeString("xmlns", "r", null, OfficePackage.RelationshipsNamespace);
            xml.WriteStartElement("xdr", "oneCellAnchor", Drawing);
            xml.WriteStartElement("xdr", "from", Drawing);
            foreach (var name in new[] { "col", "colOff", "row", "rowOff" })
            {
                xml.WriteElementString("xdr", name, Drawing, "0");
            }

            xml.WriteEndElement();
            xml.WriteStartElement("xdr", "ext", Drawing);
            xml.WriteAttributeString("cx", (content.ChartWidth * Emu).ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("cy", (content.ChartHeight * Emu).ToString(CultureInfo.InvariantCulture));
            xml.WriteEndElement();
            xml.WriteStartElement("xdr", "pic", Drawing);
            xml.WriteStartElement("xdr", "nvPicPr", Drawing);
            xml.WriteStartElement("xdr", "cNvPr", Drawing);
            xml.WriteAttributeString("id", "2");
            xml.WriteAttributeString("name", "Chart");
            xml.WriteEndElement();
            xml.WriteStartElement("xdr", "cNvPicPr", Drawing);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteStartElement("xdr", "blipFill", Drawing);
            xml.WriteStartElement("a", "blip", DrawingMain);
            xml.WriteAttributeString("r", "embed", OfficePackage.RelationshipsNamespace, imageId);
            xml.WriteEndElement();
            xml.WriteStartElement("a", "stretch", DrawingMain);
            xml.WriteStartElement("a", "fillRect", DrawingMain);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteStartElement("xdr", "spPr", Drawing);
            xml.WriteStartElement("a", "prstGeom", DrawingMain);
            xml.WriteAttributeString("prst", "rect");
            xml.WriteStartElement("a", "avLst", DrawingMain);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteStartElement("xdr", "clientData", Drawing);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        using var image = office.AddPart(imagePath, "image/png").GetStream(FileMode.Create, FileAccess.Write);
        image.Write(content.ChartPng ?? []);
    }

    private static XmlWriter StartSheet(OfficePackage office, int number, int frozenColumns, IReadOnlyList<double> widths)
    {
        var xml = OfficePackage.Write(office.AddPart($"/xl/worksheets/sheet{number}.xml", SheetType));
        xml.WriteStartElement("worksheet", Spreadsheet);
        xml.WriteStartElement("sheetViews", Spreadsheet);
        xml.WriteStartElement("sheetView", Spreadsheet);
        xml.WriteAttributeString("workbookViewId", "0");
        xml.WriteStartElement("pane", Spreadsheet);
        xml.WriteAttributeString("xSplit", frozenColumns.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("ySplit", "1");
        xml.WriteAttributeString("topLeftCell", "B2");
        xml.WriteAttributeString("activePane", "bottomRight");
        xml.WriteAttributeString("state", "frozen");
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
        SpreadsheetXml.WriteColumns(xml, widths);
        xml.WriteStartElement("sheetData", Spreadsheet);
        return xml;
    }

    private static void EndSheet(XmlWriter xml)
    {
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void StartRow(XmlWriter xml, int row)
    {
        xml.WriteStartElement("row", Spreadsheet);
        xml.WriteAttributeString("r", row.ToString(CultureInfo.InvariantCulture));
    }

    // Inline strings: a member's name stays as they wrote it and is never taken for a formula.
    private static void TextCell(XmlWriter xml, string text, int style = 0)
    {
        xml.WriteStartElement("c", Spreadsheet);
        if (style != 0)
        {
            xml.WriteAttributeString("s", style.ToString(CultureInfo.InvariantCulture));
        }

        xml.WriteAttributeString("t", "inlineStr");
        xml.WriteStartElement("is", Spreadsheet);
        OfficePackage.WriteText(xml, Spreadsheet, text);
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void NumberCell(XmlWriter xml, double value, int style = 0)
    {
        xml.WriteStartElement("c", Spreadsheet);
        if (style != 0)
        {
            xml.WriteAttributeString("s", style.ToString(CultureInfo.InvariantCulture));
        }

        xml.WriteElementString("v", Spreadsheet, value.ToString("R", CultureInfo.InvariantCulture));
        xml.WriteEndElement();
    }
}

internal sealed record ReportLabels(
    string MembersSheet,
    string DaysSheet,
    string ChartSheet,
    IReadOnlyList<string> MemberColumns,
    string OnTime,
    string MadeUp,
    string Missed,
    string NoStudyDay);

internal sealed record ReportContent(
    DateOnly From,
    DateOnly To,
    IReadOnlyList<MemberParticipation> Members,
    ReportLabels Labels,
    byte[]? ChartPng,
    int ChartWidth,
    int ChartHeight);

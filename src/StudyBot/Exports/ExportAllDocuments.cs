using System.Globalization;
using System.Text;
using System.Xml;
using CsvHelper;
using CsvHelper.Configuration;
using StudyBot.Documents;

namespace StudyBot.Exports;

// The two files of /exportall, one row per reflection: learner, date, theme, quotation, text.
// Both are written row by row as the rows are read, straight to files: an export of every
// reflection ever written holds one row in memory at a time, not the files. What the caption
// tells (rows, learners, first and last date) is counted on the way.
internal sealed class ExportAllDocuments : IDisposable
{
    private const string SpreadsheetNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string SheetPath = "/xl/worksheets/sheet1.xml";
    private static readonly string[] ColumnLetters = ["A", "B", "C", "D", "E"];
    private static readonly double[] ColumnWidths = [18, 12, 18, 50, 80];

    private readonly HashSet<string> learners = new(StringComparer.Ordinal);
    private readonly FileStream csvFile;
    private readonly StreamWriter csvText;
    private readonly CsvWriter csv;
    private readonly FileStream xlsxFile;
    private readonly OfficePackage xlsx;
    private readonly XmlWriter sheet;

    private ExportAllDocuments(string csvPath, string xlsxPath, string sheetName, IReadOnlyList<string> headers)
    {
        try
        {
            // UTF-8 with a BOM, so Excel opens Chinese text as Chinese. Cells that a spreadsheet would
            // take for a formula (=, +, -, @ first) are prefixed with ': learners wrote them, organizers open them.
            csvFile = new FileStream(csvPath, FileMode.Create, FileAccess.Write, FileShare.None);
            csvText = new StreamWriter(csvFile, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            csv = new CsvWriter(csvText, new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape });
            foreach (var header in headers)
            {
                csv.WriteField(header);
            }

            csv.NextRecord();

            xlsxFile = new FileStream(xlsxPath, FileMode.Create, FileAccess.Write, FileShare.None);
            xlsx = OfficePackage.CreateStreaming(xlsxFile);
            sheet = StartXlsx(xlsx, sheetName, headers);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Rows { get; private set; }
    public int Learners => learners.Count;
    public DateOnly First { get; private set; }
    public DateOnly Last { get; private set; }

    public static ExportAllDocuments Create(string csvPath, string xlsxPath, string sheetName, IReadOnlyList<string> headers) =>
        new(csvPath, xlsxPath, sheetName, headers);

    // Rows come in date order.
    public void Add(ExportRow row)
    {
        var fields = Fields(row);
        foreach (var field in fields)
        {
            csv.WriteField(field);
        }

        csv.NextRecord();
        WriteRow(sheet, Rows + 2, fields);

        if (Rows == 0)
        {
            First = row.LocalDate;
        }

        Last = row.LocalDate;
        learners.Add(row.DisplayName);
        Rows++;
    }

    // Ends both files and closes them: after this their sizes on disk are final.
    public void Complete()
    {
        sheet.WriteEndElement();
        sheet.WriteEndElement();
        Dispose();
    }

    // An export that stopped half way leaves unfinished files: the caller deletes them.
    public void Dispose()
    {
        sheet?.Dispose();
        xlsx?.Dispose();
        xlsxFile?.Dispose();
        csv?.Dispose();
        csvText?.Dispose();
        csvFile?.Dispose();
    }

    // The workbook first, then the sheet, which stays open for the rows (a streaming package writes
    // its parts one after another): every cell is an inline string, so text stays exactly as
    // written and is never evaluated.
    private static XmlWriter StartXlsx(OfficePackage office, string sheetName, IReadOnlyList<string> headers)
    {
        var workbook = office.AddMainPart("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml");
        var sheetId = OfficePackage.Relate(workbook, SheetPath, "worksheet");
        using (var xml = OfficePackage.Write(workbook))
        {
            xml.WriteStartElement("workbook", SpreadsheetNamespace);
            xml.WriteAttributeString("xmlns", "r", null, OfficePackage.RelationshipsNamespace);
            xml.WriteStartElement("sheets", SpreadsheetNamespace);
            xml.WriteStartElement("sheet", SpreadsheetNamespace);
            xml.WriteAttributeString("name", OfficePackage.XmlSafe(sheetName));
            xml.WriteAttributeString("sheetId", "1");
            xml.WriteAttributeString("id", OfficePackage.RelationshipsNamespace, sheetId);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        var sheet = OfficePackage.Write(office.AddPart(SheetPath, "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"));
        sheet.WriteStartElement("worksheet", SpreadsheetNamespace);
        SpreadsheetXml.WriteColumns(sheet, ColumnWidths);
        sheet.WriteStartElement("sheetData", SpreadsheetNamespace);
        WriteRow(sheet, 1, headers);
        return sheet;
    }

    private static string[] Fields(ExportRow row) =>
        [row.DisplayName, row.LocalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Theme, row.Quote, row.Text];

    private static void WriteRow(XmlWriter xml, int number, IReadOnlyList<string> values)
    {
        var row = number.ToString(CultureInfo.InvariantCulture);
        xml.WriteStartElement("row", SpreadsheetNamespace);
        xml.WriteAttributeString("r", row);
        for (var i = 0; i < values.Count; i++)
        {
            xml.WriteStartElement("c", SpreadsheetNamespace);
            xml.WriteAttributeString("r", ColumnLetters[i] + row);
            xml.WriteAttributeString("t", "inlineStr");
            xml.WriteStartElement("is", SpreadsheetNamespace);
            OfficePackage.WriteText(xml, SpreadsheetNamespace, values[i]);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }
}

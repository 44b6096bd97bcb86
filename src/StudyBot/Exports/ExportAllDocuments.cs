using System.Globalization;
using System.Text;
using System.Xml;
using CsvHelper;
using CsvHelper.Configuration;
using StudyBot.Documents;

namespace StudyBot.Exports;

// The two files of /exportall, one row per reflection: learner, date, theme, quotation, text.
internal static class ExportAllDocuments
{
    private const string SpreadsheetNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private static readonly string[] ColumnLetters = ["A", "B", "C", "D", "E"];
    private static readonly double[] ColumnWidths = [18, 12, 18, 50, 80];

    // UTF-8 with a BOM, so Excel opens Chinese text as Chinese. Cells that a spreadsheet would take
    // for a formula (=, +, -, @ first) are prefixed with ': learners wrote them, organizers open them.
    public static byte[] BuildCsv(IReadOnlyList<string> headers, IReadOnlyList<ExportRow> rows)
    {
        using var memory = new MemoryStream();
        using (var writer = new StreamWriter(memory, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        using (var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape }))
        {
            foreach (var header in headers)
            {
                csv.WriteField(header);
            }

            csv.NextRecord();
            foreach (var row in rows)
            {
                foreach (var field in Fields(row))
                {
                    csv.WriteField(field);
                }

                csv.NextRecord();
            }
        }

        return memory.ToArray();
    }

    // Every cell is an inline string: text stays exactly as written and is never evaluated.
    public static byte[] BuildXlsx(string sheetName, IReadOnlyList<string> headers, IReadOnlyList<ExportRow> rows) => OfficePackage.Build(office =>
    {
        var workbook = office.AddMainPart("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml");
        var (sheet, sheetId) = office.AddPart(workbook, "/xl/worksheets/sheet1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml", "worksheet");
        using (var xml = OfficePackage.Write(sheet))
        {
            xml.WriteStartElement("worksheet", SpreadsheetNamespace);
            xml.WriteStartElement("cols", SpreadsheetNamespace);
            for (var i = 0; i < ColumnWidths.Length; i++)
            {
                var number = (i + 1).ToString(CultureInfo.InvariantCulture);
                xml.WriteStartElement("col", SpreadsheetNamespace);
                xml.WriteAttributeString("min", number);
                xml.WriteAttributeString("max", number);
                xml.WriteAttributeString("width", ColumnWidths[i].ToString(CultureInfo.InvariantCulture));
                xml.WriteAttributeString("customWidth", "1");
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteStartElement("sheetData", SpreadsheetNamespace);
            WriteRow(xml, 1, headers);
            for (var i = 0; i < rows.Count; i++)
            {
                WriteRow(xml, i + 2, Fields(rows[i]));
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

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
    });

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

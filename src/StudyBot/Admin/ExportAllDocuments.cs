using System.Globalization;
using System.Text;
using System.Xml;
using CsvHelper;
using CsvHelper.Configuration;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace StudyBot.Admin;

// The two files of /exportall, one row per reflection: learner, date, theme, quotation, text.
public static class ExportAllDocuments
{
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
    public static byte[] BuildXlsx(string sheetName, IReadOnlyList<string> headers, IReadOnlyList<ExportRow> rows)
    {
        using var memory = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(memory, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            var worksheetPart = workbookPart.AddNewPart<WorksheetPart>();
            var columns = new Columns(ColumnWidths.Select((width, i) => new Column
            {
                Min = (uint)i + 1,
                Max = (uint)i + 1,
                Width = width,
                CustomWidth = true,
            }));
            var sheetData = new SheetData();
            worksheetPart.Worksheet = new Worksheet(columns, sheetData);

            sheetData.Append(NewRow(1, headers));
            for (var i = 0; i < rows.Count; i++)
            {
                sheetData.Append(NewRow((uint)i + 2, Fields(rows[i])));
            }

            workbookPart.Workbook.AppendChild(new Sheets(new Sheet
            {
                Id = workbookPart.GetIdOfPart(worksheetPart),
                SheetId = 1,
                Name = sheetName,
            }));
        }

        return memory.ToArray();
    }

    private static string[] Fields(ExportRow row) =>
        [row.DisplayName, row.LocalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Theme, row.Quote, row.Text];

    private static Row NewRow(uint number, IReadOnlyList<string> values)
    {
        var row = new Row { RowIndex = number };
        for (var i = 0; i < values.Count; i++)
        {
            row.Append(new Cell
            {
                CellReference = ColumnLetters[i] + number.ToString(CultureInfo.InvariantCulture),
                DataType = CellValues.InlineString,
                InlineString = new InlineString(new Text(XmlSafe(values[i])) { Space = SpaceProcessingModeValues.Preserve }),
            });
        }

        return row;
    }

    // A control character typed into Telegram is legal there but not in XML, and would fail the whole file.
    private static string XmlSafe(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(text[i]).Append(text[i + 1]);
                i++;
            }
            else if (XmlConvert.IsXmlChar(text[i]))
            {
                builder.Append(text[i]);
            }
        }

        return builder.Length == text.Length ? text : builder.ToString();
    }
}

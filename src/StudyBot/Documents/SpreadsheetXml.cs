using System.Globalization;
using System.Xml;

namespace StudyBot.Documents;

// Pieces of a worksheet's XML that every sheet the bot writes has.
internal static class SpreadsheetXml
{
    public const string Namespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    // <cols>: each column's width in characters, first column first.
    public static void WriteColumns(XmlWriter xml, IReadOnlyList<double> widths)
    {
        xml.WriteStartElement("cols", Namespace);
        for (var i = 0; i < widths.Count; i++)
        {
            var column = (i + 1).ToString(CultureInfo.InvariantCulture);
            xml.WriteStartElement("col", Namespace);
            xml.WriteAttributeString("min", column);
            xml.WriteAttributeString("max", column);
            xml.WriteAttributeString("width", widths[i].ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("customWidth", "1");
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }
}

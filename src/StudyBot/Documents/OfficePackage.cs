using System.IO.Packaging;
using System.Text;
using System.Xml;

namespace StudyBot.Documents;

// An Office Open XML file (.docx, .xlsx): a zip of XML parts tied together by relationships. The
// package is System.IO.Packaging's; each document writes its few elements with an XmlWriter. The
// OpenXml SDK's typed model of every element was dropped on purpose: a native build compiles all of
// it in (16 MB of the binary, tens of thousands of types loaded at start) for the three part kinds
// we write. Tests check every file we make with the SDK's schema validator.
internal sealed class OfficePackage : IDisposable
{
    public const string RelationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string OfficeDocumentRelationship = RelationshipsNamespace + "/officeDocument";

    private static readonly XmlWriterSettings WriterSettings = new() { Encoding = new UTF8Encoding(false), CloseOutput = true };

    private readonly Package package;

    private OfficePackage(Stream stream, FileAccess access) => package = Package.Open(stream, FileMode.Create, access);

    public PackageProperties Properties => package.PackageProperties;

    public static byte[] Build(Action<OfficePackage> write)
    {
        using var stream = new MemoryStream();
        using (var office = new OfficePackage(stream, FileAccess.ReadWrite))
        {
            write(office);
        }

        return stream.ToArray();
    }

    // A package written to a stream (a file) as it goes, for documents that could be large. Opened
    // for writing only, the zip is created as a stream and no part is kept in memory (read-write
    // holds every part until the end). Parts are then written one after another: each part's
    // writer is closed before the next part's is opened, and nothing is read back. Disposing the
    // package writes its relationships and content types; the stream stays the caller's.
    public static OfficePackage CreateStreaming(Stream stream) => new(stream, FileAccess.Write);

    // The document's main part, the one the package itself points to.
    public PackagePart AddMainPart(string path, string contentType)
    {
        var part = package.CreatePart(new Uri(path, UriKind.Relative), contentType, CompressionOption.Normal);
        package.CreateRelationship(part.Uri, TargetMode.Internal, OfficeDocumentRelationship);
        return part;
    }

    /// <returns>The part and the id its parent refers to it by.</returns>
    public (PackagePart Part, string RelationshipId) AddPart(PackagePart parent, string path, string contentType, string relationshipType)
    {
        var relationshipId = Relate(parent, path, relationshipType);
        return (AddPart(path, contentType), relationshipId);
    }

    // The two halves of AddPart, for a streaming package: creating a part there ends the part
    // created before it, so each part is created just before it is written. A parent refers to a
    // child that does not exist yet, and is written first.
    /// <returns>The id the parent refers to the part at path by.</returns>
    public static string Relate(PackagePart parent, string path, string relationshipType) =>
        parent.CreateRelationship(PackUriHelper.GetRelativeUri(parent.Uri, new Uri(path, UriKind.Relative)), TargetMode.Internal, RelationshipsNamespace + "/" + relationshipType).Id;

    public PackagePart AddPart(string path, string contentType) =>
        package.CreatePart(new Uri(path, UriKind.Relative), contentType, CompressionOption.Normal);

    public static XmlWriter Write(PackagePart part) => XmlWriter.Create(part.GetStream(FileMode.Create, FileAccess.Write), WriterSettings);

    // A text element (<w:t> in Word, <t> in a sheet's cell) with someone's text as they wrote it:
    // spaces kept, characters XML cannot hold left out.
    public static void WriteText(XmlWriter xml, string elementNamespace, string text)
    {
        xml.WriteStartElement("t", elementNamespace);
        xml.WriteAttributeString("xml", "space", null, "preserve");
        xml.WriteString(XmlSafe(text));
        xml.WriteEndElement();
    }

    public void Dispose() => package.Close();

    // XML cannot hold most control characters, which Telegram lets a learner type; one would make
    // the whole file unreadable. Carriage returns go too: lines end in \n, as both programs read them.
    public static string XmlSafe(string text)
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

        return builder.Length == text.Length ? text : builder.ToString();
    }
}

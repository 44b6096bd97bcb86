using System.Text;
using StudyBot.Localization;

namespace StudyBot.Content;

// One way in for a pack, whether an organizer sends it to the bot or an operator runs
// `studybot import FILE`: read, validate whole, then import in one transaction or not at all.
internal sealed class PackImporter(PackValidator validator, ContentStore content, Texts texts)
{
    public const int MaxBytes = 1024 * 1024;

    // A byte that is not UTF-8 refuses the file: read on with replacement characters, it would be
    // imported as quotations no one can read.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding StrictUtf16LittleEndian = new(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding StrictUtf16BigEndian = new(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly byte[] Utf8Mark = [0xEF, 0xBB, 0xBF];
    private static readonly byte[] Utf16LittleEndianMark = [0xFF, 0xFE];
    private static readonly byte[] Utf16BigEndianMark = [0xFE, 0xFF];

    /// <param name="caption">CSV only: "language=.. start=..", as the document's caption or the command line gives it.</param>
    /// <param name="language">The deployment's or sender's language: for the replies, and CSV packs without one.</param>
    /// <param name="groupId">The group whose pack it becomes; ContentStore.SharedPacks for every group's.</param>
    /// <param name="csvLanguage">A CSV pack's language when its caption names none (the group's); else `language`.</param>
    public async Task<ImportOutcome> ImportAsync(string fileName, byte[] bytes, string? caption, string language, DateOnly today, CancellationToken cancellationToken, long groupId = ContentStore.SharedPacks, string? csvLanguage = null)
    {
        var check = Check(fileName, bytes, caption, language, today, csvLanguage);
        if (check.Pack is not { } pack)
        {
            return new ImportOutcome(null, check.Refusal!, check.Problems);
        }

        var summary = await content.ImportAsync(pack, cancellationToken, groupId);
        return new ImportOutcome(summary, texts.Get(language, "ImportDone", summary.PackName, summary.ItemsAdded, summary.ItemsReplaced), []);
    }

    // Everything ImportAsync checks, and nothing written: the pack read, or why not, in `language`.
    public PackCheck Check(string fileName, byte[] bytes, string? caption, string language, DateOnly today, string? csvLanguage = null)
    {
        if (bytes.Length > MaxBytes)
        {
            return PackCheck.Refused(TooLarge(language).Message);
        }

        if (!PackReader.IsPackFile(fileName))
        {
            return PackCheck.Refused(texts.Get(language, "ImportNotAPack"));
        }

        if (Decode(bytes) is not { } text)
        {
            return PackCheck.Refused(texts.Get(language, "ImportRefused", texts.Get(language, "PackNotUtf8")));
        }

        ContentPack pack;
        try
        {
            pack = PackReader.Read(fileName, text, PackDefaults.FromCaption(caption, csvLanguage ?? language, today));
        }
        catch (PackFormatException e)
        {
            return PackCheck.Refused(texts.Get(language, "ImportRefused", e.Problem.Describe(texts, language)));
        }
        catch (PackRefusedException e)
        {
            return PackCheck.Refused(texts.Get(language, "ImportRefused", texts.Get(language, e.TextKey, e.Line)));
        }

        var problems = validator.Validate(pack).Select(p => p.Describe(texts, language)).ToList();
        if (problems.Count > 0)
        {
            var more = problems.Count > 1 ? texts.Get(language, "ImportMoreProblems", problems.Count - 1) : "";
            return new PackCheck(null, texts.Get(language, "ImportRefused", problems[0]) + more, problems);
        }

        return new PackCheck(pack, null, []);
    }

    public ImportOutcome TooLarge(string language) => ImportOutcome.Refused(texts.Get(language, "ImportTooLarge", MaxBytes / 1024));

    // UTF-8 with or without a byte order mark (Excel writes one); UTF-16 files carry theirs. Each
    // decoded strictly: a reader that detects the mark would swap in a lenient encoding.
    private static string? Decode(byte[] bytes)
    {
        ReadOnlySpan<byte> content = bytes;
        Encoding encoding = StrictUtf8;
        if (content.StartsWith(Utf8Mark))
        {
            content = content[Utf8Mark.Length..];
        }
        else if (content.StartsWith(Utf16LittleEndianMark))
        {
            content = content[2..];
            encoding = StrictUtf16LittleEndian;
        }
        else if (content.StartsWith(Utf16BigEndianMark))
        {
            content = content[2..];
            encoding = StrictUtf16BigEndian;
        }

        try
        {
            return encoding.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}

// Pack: the pack read and valid, or null; then Refusal is the one message the chat answers, and
// Problems each problem found (the refusal itself when the file could not be read as a pack).
internal sealed record PackCheck(ContentPack? Pack, string? Refusal, IReadOnlyList<string> Problems)
{
    public static PackCheck Refused(string refusal) => new(null, refusal, [refusal]);
}

// Problems: for a refused file, each problem found (PackCheck.Problems); none for an imported one.
internal sealed record ImportOutcome(ImportSummary? Summary, string Message, IReadOnlyList<string> Problems)
{
    public static ImportOutcome Refused(string message) => new(null, message, [message]);
}

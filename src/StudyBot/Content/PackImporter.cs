using System.Text;
using StudyBot.Localization;

namespace StudyBot.Content;

// One way in for a pack, whether an organizer sends it to the bot or an operator runs
// `studybot import FILE`: read, validate whole, then import in one transaction or not at all.
internal sealed class PackImporter(PackValidator validator, ContentStore content, Texts texts)
{
    public const int MaxBytes = 1024 * 1024;

    /// <param name="caption">CSV only: "language=.. start=..", as the document's caption or the command line gives it.</param>
    /// <param name="language">The deployment's or sender's language: for the replies, and CSV packs without one.</param>
    /// <param name="groupId">The group whose pack it becomes; ContentStore.SharedPacks for every group's.</param>
    public async Task<ImportOutcome> ImportAsync(string fileName, byte[] bytes, string? caption, string language, DateOnly today, CancellationToken cancellationToken, long groupId = ContentStore.SharedPacks)
    {
        if (bytes.Length > MaxBytes)
        {
            return TooLarge(language);
        }

        if (!PackReader.IsPackFile(fileName))
        {
            return ImportOutcome.Refused(texts.Get(language, "ImportNotAPack"));
        }

        ContentPack pack;
        try
        {
            pack = PackReader.Read(fileName, Decode(bytes), PackDefaults.FromCaption(caption, language, today));
        }
        catch (PackFormatException e)
        {
            return ImportOutcome.Refused(texts.Get(language, "ImportRefused", e.Problem.Describe(texts, language)));
        }
        catch (PackRefusedException e)
        {
            return ImportOutcome.Refused(texts.Get(language, "ImportRefused", texts.Get(language, e.TextKey, e.Line)));
        }

        var problems = validator.Validate(pack);
        if (problems.Count > 0)
        {
            var more = problems.Count > 1 ? texts.Get(language, "ImportMoreProblems", problems.Count - 1) : "";
            return ImportOutcome.Refused(texts.Get(language, "ImportRefused", problems[0].Describe(texts, language)) + more);
        }

        var summary = await content.ImportAsync(pack, cancellationToken, groupId);
        return new ImportOutcome(summary, texts.Get(language, "ImportDone", summary.PackName, summary.ItemsAdded, summary.ItemsReplaced));
    }

    public ImportOutcome TooLarge(string language) => ImportOutcome.Refused(texts.Get(language, "ImportTooLarge", MaxBytes / 1024));

    // UTF-8 with or without a byte order mark (Excel writes one); UTF-16 files carry theirs.
    private static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}

internal sealed record ImportOutcome(ImportSummary? Summary, string Message)
{
    public static ImportOutcome Refused(string message) => new(null, message);
}

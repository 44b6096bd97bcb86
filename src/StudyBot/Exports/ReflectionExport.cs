using System.Globalization;
using Microsoft.Extensions.Options;
using StudyBot.Audit;
using StudyBot.Configuration;
using StudyBot.Localization;
using StudyBot.Reflections;

namespace StudyBot.Exports;

// The organizer's export of a group's reflections (CSV and XLSX), one way for /exportall in the
// chat and for the download of the web app's dashboard. Both files are written to disk in one pass
// over the rows: memory does not grow with the number of reflections. The caller hands them over
// and deletes them (ExportFiles).
internal sealed class ReflectionExport(ExportAllStore store, AuditLog audit, Texts texts, IOptions<BotOptions> options)
{
    // Telegram's limit for a file a bot uploads; the web app keeps it too, so an export is the same
    // whichever way it is asked for.
    public const int MaxFileBytes = 50 * 1024 * 1024;

    // The files of an export in progress start so, in Bot:TempFolder or the system's temp folder.
    public const string TempFilePrefix = "studybot-export-";

    public const string CsvContentType = "text/csv; charset=utf-8";
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    // groupId null: every group's reflections (an owner's /exportall before picking a group).
    public async Task<ExportFiles> WriteAsync(long? groupId, DateRange range, string language, CancellationToken cancellationToken)
    {
        string[] headers =
        [
            texts.Get(language, "ExportAllColumnLearner"),
            texts.Get(language, "ExportAllColumnDate"),
            texts.Get(language, "ExportAllColumnTheme"),
            texts.Get(language, "ExportAllColumnQuote"),
            texts.Get(language, "ExportAllColumnText"),
        ];
        var name = Path.Combine(options.Value.TempFolderPath, TempFilePrefix + Guid.NewGuid().ToString("N"));
        var (csvPath, xlsxPath) = (name + ".csv", name + ".xlsx");
        try
        {
            using var documents = ExportAllDocuments.Create(csvPath, xlsxPath, texts.Get(language, "ExportAllSheet"), headers);
            await foreach (var row in store.StreamAsync(groupId, range.From, range.To, cancellationToken))
            {
                // A photo or voice answer as "photo: caption", "voice 0:45": the files stay on Telegram.
                row.Text = row.Describe(texts, language);
                documents.Add(row);
            }

            documents.Complete();
            return new ExportFiles(csvPath, xlsxPath, groupId, range, documents.Rows, documents.Learners, documents.First, documents.Last);
        }
        catch
        {
            File.Delete(csvPath);
            File.Delete(xlsxPath);
            throw;
        }
    }

    // After the files went to the organizer (or there were none to send), whichever way.
    public Task RecordAsync(long userId, ExportFiles files, CancellationToken cancellationToken)
    {
        var scope = (files.GroupId is { } id ? $"group #{id.ToString(CultureInfo.InvariantCulture)} " : "") + Describe(files.Range);
        return audit.WriteAsync(userId, AuditLog.Actions.ExportAll, $"{scope}: {files.Rows} rows", cancellationToken);
    }

    private static string Describe(DateRange range) =>
        (range.From == DateOnly.MinValue ? "…" : IsoDate.Format(range.From))
        + ".."
        + (range.To == DateOnly.MaxValue ? "…" : IsoDate.Format(range.To));
}

// A written export: its two files on disk (deleted on Dispose) and what they hold.
internal sealed record ExportFiles(string CsvPath, string XlsxPath, long? GroupId, DateRange Range, int Rows, int Learners, DateOnly First, DateOnly Last) : IDisposable
{
    // reflections_FIRST_LAST, by the dates of the first and last reflection in the files.
    public string BaseName => $"reflections_{IsoDate.Format(First)}_{IsoDate.Format(Last)}";

    public bool IsTooLarge => new FileInfo(CsvPath).Length > ReflectionExport.MaxFileBytes || new FileInfo(XlsxPath).Length > ReflectionExport.MaxFileBytes;

    public void Dispose()
    {
        File.Delete(CsvPath);
        File.Delete(XlsxPath);
    }
}

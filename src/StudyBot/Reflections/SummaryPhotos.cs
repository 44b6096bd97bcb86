using Microsoft.Extensions.Logging;
using StudyBot.Documents;
using StudyBot.Telegram.Receiving;
using Telegram.Bot.Exceptions;

namespace StudyBot.Reflections;

// The photos of a learner's summary, fetched from Telegram when the document is made (the bot keeps
// only their file ids). A photo that cannot be fetched or read (gone from Telegram, too large, not
// an image) is left out and the document says so in its place: one bad file never stops the rest.
internal sealed partial class SummaryPhotos(DocumentDownloads downloads, ILogger<SummaryPhotos> logger)
{
    // A bot may send a document of up to 50 MB; the photos of one summary stay well below that.
    private const int MaxTotalBytes = 40 * 1024 * 1024;

    public async Task<IReadOnlyDictionary<string, Picture>> FetchAsync(IEnumerable<string> fileIds, CancellationToken cancellationToken)
    {
        var pictures = new Dictionary<string, Picture>(StringComparer.Ordinal);
        long total = 0;
        foreach (var fileId in fileIds)
        {
            byte[]? bytes;
            try
            {
                bytes = await downloads.DownloadAsync(fileId, null, fileId, ReflectionContent.MaxDownloadBytes, cancellationToken);
            }
            catch (Exception e) when (e is RequestException or HttpRequestException)
            {
                LogNotFetched(fileId, e.Message);
                continue;
            }

            if (bytes is null || total + bytes.Length > MaxTotalBytes || Picture.Read(bytes) is not { } picture)
            {
                LogLeftOut(fileId, bytes?.Length);
                continue;
            }

            pictures[fileId] = picture;
            total += bytes.Length;
        }

        return pictures;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Photo {FileId} could not be fetched for a summary: {Reason}")]
    private partial void LogNotFetched(string fileId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Photo {FileId} ({Bytes} bytes) was left out of a summary: too large, or not a JPEG or PNG image")]
    private partial void LogLeftOut(string fileId, int? bytes);
}

using Microsoft.AspNetCore.Http;

namespace StudyBot.Web;

// The web app's downloads.
internal static class DownloadEndpoints
{
    // A file written for one response: sent from disk, and deleted when the response is done with
    // it, sent or not. Memory stays bounded whatever the file's size.
    public static IResult TemporaryFile(string path, string contentType, string fileName)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        return Results.File(stream, contentType, fileName);
    }
}

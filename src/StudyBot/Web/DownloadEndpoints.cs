using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Groups;

namespace StudyBot.Web;

// POST /app/api/downloads: a download link (DownloadLinks) for a download route the caller may
// reach. The download routes say so themselves (AsDownload), so this list cannot drift from them.
internal static class DownloadEndpoints
{
    public static void MapDownloads(this RouteGroupBuilder signedIn) => signedIn.MapPost("/downloads", IssueAsync);

    // A route of the web app that answers a file: a download link may be made for it.
    public static RouteHandlerBuilder AsDownload(this RouteHandlerBuilder route, string name) =>
        route.WithName("download." + name).WithMetadata(new DownloadRoute());

    // A file written for one response: sent from disk, and deleted when the response is done with
    // it, sent or not. Memory stays bounded whatever the file's size.
    public static IResult TemporaryFile(string path, string contentType, string fileName)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        return Results.File(stream, contentType, fileName);
    }

    // Refused as the route itself would refuse the user: a group's download to whoever does not run
    // the group is "no such group". What only the download can tell (a bad range, nothing to
    // export) it tells when the link is opened.
    private static async Task<IResult> IssueAsync(DownloadRequest? request, HttpContext context, DownloadLinks links, GroupAccess access, CancellationToken cancellationToken)
    {
        if (DownloadLinks.ParseTarget(request?.Path) is not { } asked || MatchDownloadRoute(context.RequestServices, asked.Path) is not { } values)
        {
            return WebEndpoints.Problem("path must be a download of this app, such as /app/api/summary.docx", StatusCodes.Status400BadRequest);
        }

        // A group's downloads name it as {id}, as all of DashboardEndpoints' routes do.
        var userId = WebCaller.Of(context).UserId;
        if (values.TryGetValue("id", out var id) && (!long.TryParse(id?.ToString(), out var groupId) || !await access.MayRunAsync(userId, groupId, cancellationToken)))
        {
            return DashboardEndpoints.NoSuchGroup();
        }

        return Results.Json(new DownloadLink(await links.IssueAsync(userId, asked.Target, cancellationToken), (int)DownloadLinks.Validity.TotalSeconds), WebJson.Default.DownloadLink);
    }

    // The route values of the download route the path names (a group's id), or null for none.
    private static RouteValueDictionary? MatchDownloadRoute(IServiceProvider services, PathString path)
    {
        var parser = services.GetRequiredService<LinkParser>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints)
        {
            if (endpoint.Metadata.GetMetadata<DownloadRoute>() is not null
                && endpoint.Metadata.GetMetadata<IEndpointNameMetadata>() is { } name
                && parser.ParsePathByEndpointName(name.EndpointName, path) is { } values)
            {
                return values;
            }
        }

        return null;
    }

    private sealed class DownloadRoute;
}

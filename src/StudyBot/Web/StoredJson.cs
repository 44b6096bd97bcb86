using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace StudyBot.Web;

// A JSON answer kept to be served many times, with its gzip form made once beside it: a phone
// fetching a thousand members' dashboard gets a tenth of the bytes, and no request pays for the
// compression.
internal sealed class StoredJson(byte[] plain, byte[] gzipped)
{
    public byte[] Plain { get; } = plain;

    public byte[] Gzipped { get; } = gzipped;

    public static StoredJson Of(byte[] json)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(json);
        }

        return new StoredJson(json, compressed.ToArray());
    }

    // The gzip form to a client that accepts it, the plain one to any other.
    public IResult ToResult(HttpRequest request)
    {
        var response = request.HttpContext.Response;
        response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
        if (!AcceptsGzip(request))
        {
            return Results.Bytes(Plain, "application/json; charset=utf-8");
        }

        response.Headers.ContentEncoding = "gzip";
        return Results.Bytes(Gzipped, "application/json; charset=utf-8");
    }

    // gzip named with a quality above 0; else `*` above 0, unless gzip was named with 0.
    private static bool AcceptsGzip(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        var gzip = accepted.FirstOrDefault(e => e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase));
        return gzip is not null
            ? gzip.Quality is not 0
            : accepted.Any(e => e.Value.Equals("*", StringComparison.Ordinal) && e.Quality is not 0);
    }
}

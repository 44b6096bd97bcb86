using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Data;

namespace StudyBot.Web;

// Download links, for the page inside Telegram: it signs in with a header, which no link a client
// opens can carry, and some clients block the blob links a page makes of a fetched file. A link is
// a download route's own address plus a `download` token, good for one GET of exactly that path and
// query, within a minute, once; the GET then runs as the user the link was made for, through the
// same checks as that user's own request (WebSignIn), so an organizer removed from the group in
// between gets 404.
// The token is a bearer token: whoever opens the link in that minute gets that one file, as the
// holder of a session cookie would. What bounds it is the one path, the one minute and the one use,
// and that it is made only for a user who could download that file at the time. Kept in the
// database (as its SHA-256), not in memory, so that any instance can serve the link.
internal sealed class DownloadLinks(Database database, TimeProvider time, IOptions<AppOptions> app)
{
    public const string Parameter = "download";
    public const int MaxTargetLength = 500;
    public static readonly TimeSpan Validity = TimeSpan.FromSeconds(60);

    private const string AppPath = "/app/";
    private const string ApiPath = AppPath + "api/";

    // The link's absolute address (what Telegram opens must be one), under App:PublicUrl so that a
    // proxy's own path in front of /app is kept. Expired links of anyone are cleared on the way.
    public Task<string> IssueAsync(long chatId, string target, CancellationToken cancellationToken)
    {
        var token = WebSessions.NewToken();
        var now = time.GetUtcNow().UtcDateTime;
        var parameters = new { TokenHash = WebSessions.Hash(token), ChatId = chatId, Target = target, Now = now, ExpiresUtc = now + Validity, CancellationToken = cancellationToken };
        return database.WriteAsync(async (connection, transaction) =>
        {
            const string clear = "DELETE FROM download_links WHERE expires_utc <= @Now";
            const string insert = "INSERT INTO download_links (token_hash, chat_id, target, expires_utc) VALUES (@TokenHash, @ChatId, @Target, @ExpiresUtc)";
            await connection.ExecuteAsync(clear, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            await connection.ExecuteAsync(insert, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            return app.Value.WebAppUrl + target[AppPath.Length..] + (target.Contains('?', StringComparison.Ordinal) ? '&' : '?') + Parameter + "=" + token;
        }, cancellationToken);
    }

    // The user the link was made for, or null for a token that is unknown, used, expired or made
    // for another target. Single use: the statement that finds the row deletes it, so of two
    // requests at once only one gets the file.
    public Task<long?> RedeemAsync(string token, string target, CancellationToken cancellationToken)
    {
        const string take = "DELETE FROM download_links WHERE token_hash = @TokenHash AND target = @Target AND expires_utc > @Now RETURNING chat_id";
        var parameters = new { TokenHash = WebSessions.Hash(token), Target = target, Now = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken };
        return database.WriteAsync((connection, transaction) => connection.ExecuteScalarAsync<long?>(take, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // What the page names, "/app/api/…" with its query, in the spelling TargetOf gives a request;
    // null for anything else.
    public static (PathString Path, string Target)? ParseTarget(string? asked)
    {
        if (asked is not { Length: > 0 and <= MaxTargetLength } || !asked.StartsWith(ApiPath, StringComparison.Ordinal) || asked.Contains('#', StringComparison.Ordinal))
        {
            return null;
        }

        var query = asked.IndexOf('?', StringComparison.Ordinal);
        var path = PathString.FromUriComponent(query < 0 ? asked : asked[..query]);
        return (path, TargetOf(path, query < 0 ? null : asked[query..]));
    }

    // A request's path and query without the download token, in one spelling, so that the link
    // handed out and the request that comes back with it compare equal.
    public static string TargetOf(PathString path, string? query)
    {
        var pairs = (query ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => !pair.Split('=')[0].Equals(Parameter, StringComparison.OrdinalIgnoreCase));
        var rest = string.Join('&', pairs);
        return path.ToUriComponent() + (rest.Length == 0 ? "" : "?" + rest);
    }
}

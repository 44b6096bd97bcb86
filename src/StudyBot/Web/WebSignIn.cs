using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StudyBot.Web;

// Who calls the API: inside Telegram the Mini App's init data in `Authorization: tma <init data>`,
// in a browser the session cookie of a /web link, and for one download the token of a download
// link (DownloadLinks). Every route under /app/api but the sign-in itself goes through RequireAsync.
internal sealed partial class WebSignIn(MiniAppInitData initData, WebSessions sessions, DownloadLinks downloads, ILogger<WebSignIn> logger)
{
    // __Host-: the browser keeps it only if Secure, for this host alone and for the whole path.
    public const string CookieName = "__Host-studybot";
    public const string CsrfHeader = "X-CSRF-Token";

    public async ValueTask<object?> RequireAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (await IdentifyAsync(context) is not { } caller)
        {
            return Results.Json(new WebError("not signed in"), WebJson.Default.WebError, statusCode: StatusCodes.Status401Unauthorized);
        }

        // CSRF: a browser adds the cookie to any request to us, also one a page of another site
        // makes, so a change signed in by cookie must also carry the token only our own page can
        // learn (WebSessions.CsrfTokenOf). Requests signed with init data need none: a browser
        // never adds an Authorization header by itself, and another site cannot read the init
        // data Telegram hands to our page.
        if (caller.SessionToken is { } session && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.Request.Headers[CsrfHeader].ToString()), Encoding.UTF8.GetBytes(WebSessions.CsrfTokenOf(session))))
        {
            LogRefused("a change without the CSRF token");
            return Results.Json(new WebError("missing or wrong CSRF token"), WebJson.Default.WebError, statusCode: StatusCodes.Status403Forbidden);
        }

        context.Items[typeof(WebCaller)] = caller;
        return await next(invocation);
    }

    // A download link's token, or else an Authorization header, that is there decides alone: a bad
    // one is refused even with a cookie.
    private async Task<WebCaller?> IdentifyAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Query.TryGetValue(DownloadLinks.Parameter, out var download))
        {
            if (HttpMethods.IsGet(request.Method) && download.Count == 1 && download[0] is { Length: > 0 and < 100 } linkToken
                && await downloads.RedeemAsync(linkToken, DownloadLinks.TargetOf(request.Path, request.QueryString.Value), context.RequestAborted) is { } downloader)
            {
                return new WebCaller(downloader, null, null);
            }

            LogRefused("a download link that is unknown, used, expired or for another path");
            return null;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            if (!authorization.StartsWith("tma ", StringComparison.OrdinalIgnoreCase))
            {
                LogRefused("an Authorization header that is not tma");
                return null;
            }

            var check = initData.Check(authorization[4..].Trim());
            if (check.User is not { } user)
            {
                LogRefused(check.Refusal ?? "bad init data");
                return null;
            }

            return new WebCaller(user.Id, user, null);
        }

        if (context.Request.Cookies[CookieName] is { Length: > 0 and < 100 } token && await sessions.UserOfAsync(token, context.RequestAborted) is { } userId)
        {
            return new WebCaller(userId, null, token);
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Web app request refused: {Reason}")]
    private partial void LogRefused(string reason);
}

// TelegramUser: from init data (null in a browser); SessionToken: the browser session's (null in Telegram).
internal sealed record WebCaller(long UserId, MiniAppUser? TelegramUser, string? SessionToken)
{
    public static WebCaller Of(HttpContext context) => (WebCaller)context.Items[typeof(WebCaller)]!;
}

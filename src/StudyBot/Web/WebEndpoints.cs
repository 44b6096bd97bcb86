using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using StudyBot.Configuration;
using StudyBot.Reflections;

namespace StudyBot.Web;

// The web app under /app: its page (embedded files) and its JSON API under /app/api. Mapped only
// where App:PublicUrl is set; elsewhere /app is not served at all.
internal static class WebEndpoints
{
    // No inline script or style anywhere: what a learner wrote can never run as code. Telegram's
    // own script is the one thing from elsewhere, and the page loads it only inside Telegram,
    // whose web clients may frame the page.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' https://telegram.org/js/telegram-web-app.js; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        + "frame-ancestors 'self' https://web.telegram.org https://webk.telegram.org https://webz.telegram.org";

    public static WebApplication MapWebApp(this WebApplication app)
    {
        if (string.IsNullOrWhiteSpace(app.Configuration[$"{AppOptions.Section}:{nameof(AppOptions.PublicUrl)}"]))
        {
            return app;
        }

        app.Use(AddSecurityHeaders);
        var files = new ManifestEmbeddedFileProvider(typeof(WebEndpoints).Assembly, "Web/wwwroot");

        // The page's own addresses are relative, so /app is sent on to /app/ (these files' default).
        app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = "/app", FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { RequestPath = "/app", FileProvider = files });

        var api = app.MapGroup("/app/api");
        api.MapPost("/session", SignInAsync);
        var signedIn = api.MapGroup("").AddEndpointFilter((invocation, next) => invocation.HttpContext.RequestServices.GetRequiredService<WebSignIn>().RequireAsync(invocation, next));
        signedIn.MapGet("/me", MeAsync);
        signedIn.MapDelete("/session", SignOutAsync);
        signedIn.MapGet("/journal", JournalAsync);
        signedIn.MapPut("/journal/{id:long}", EditAsync);
        signedIn.MapGet("/summary", SummaryAsync);
        signedIn.MapPut("/summary", SaveSummaryAsync);
        signedIn.MapGet("/summary/preview", PreviewSummaryAsync);
        signedIn.MapGet("/summary.docx", SummaryDocxAsync).AsDownload("summary.docx");
        signedIn.MapGet("/summary.md", SummaryMarkdownAsync).AsDownload("summary.md");
        signedIn.MapDownloads();
        signedIn.MapDashboard();
        return app;
    }

    private static Task AddSecurityHeaders(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments("/app", out var rest))
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = rest.StartsWithSegments("/api") ? "no-store" : "no-cache";
        }

        return next(context);
    }

    // The /web link's token (sent by the page from the link's fragment, so it is in no server or
    // proxy log) for a session cookie. The body must be JSON: a page of another site can send that
    // only after a CORS preflight we never grant, so it cannot sign a visitor in as someone else.
    private static async Task<IResult> SignInAsync(SignInRequest? request, HttpContext context, WebSessions sessions, WebUsers users, CancellationToken cancellationToken)
    {
        if (request?.Token is not { Length: > 0 and < 100 } token)
        {
            return Problem("no sign-in token", StatusCodes.Status400BadRequest);
        }

        if (await sessions.RedeemLinkAsync(token, cancellationToken) is not { } session)
        {
            return Problem("this sign-in link is used or expired: send /web to the bot for a new one", StatusCodes.Status401Unauthorized);
        }

        context.Response.Cookies.Append(WebSignIn.CookieName, session.Token, new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Expires = session.ExpiresUtc,
            IsEssential = true,
        });
        var me = await users.DescribeAsync(new WebCaller(session.ChatId, null, session.Token), cancellationToken);
        return Results.Json(me, WebJson.Default.MeResponse);
    }

    private static async Task<IResult> MeAsync(HttpContext context, WebUsers users, CancellationToken cancellationToken) =>
        Results.Json(await users.DescribeAsync(WebCaller.Of(context), cancellationToken), WebJson.Default.MeResponse);

    // This browser's session only; /web logout in the chat ends them all.
    private static async Task<IResult> SignOutAsync(HttpContext context, WebSessions sessions, CancellationToken cancellationToken)
    {
        if (WebCaller.Of(context).SessionToken is { } session)
        {
            await sessions.EndAsync(session, cancellationToken);
            context.Response.Cookies.Delete(WebSignIn.CookieName, new CookieOptions { HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, Path = "/" });
        }

        return Results.NoContent();
    }

    private static async Task<IResult> JournalAsync(HttpContext context, Journal journal, [FromQuery] string? q, [FromQuery] string? theme, [FromQuery] string? month, CancellationToken cancellationToken)
    {
        var filter = new JournalFilter(q, theme, month);
        if (filter.Refusal is { } refusal)
        {
            return Problem(refusal, StatusCodes.Status400BadRequest);
        }

        return Results.Json(await journal.ListAsync(WebCaller.Of(context).UserId, filter, cancellationToken), WebJson.Default.JournalResponse);
    }

    // Another learner's reflection is answered as one that does not exist: 404 either way.
    private static async Task<IResult> EditAsync(long id, JournalEdit? edit, HttpContext context, Journal journal, CancellationToken cancellationToken)
    {
        if (Journal.Refusal(edit?.Text) is { } refusal)
        {
            return Problem(refusal, StatusCodes.Status400BadRequest);
        }

        return await journal.EditAsync(WebCaller.Of(context).UserId, id, edit!.Text!, cancellationToken)
            ? Results.NoContent()
            : Problem("no such reflection", StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> SummaryAsync(HttpContext context, SummaryComposer composer, CancellationToken cancellationToken) =>
        Results.Json(await composer.GetAsync(WebCaller.Of(context), cancellationToken), WebJson.Default.SummaryComposerResponse);

    // A bad draft is refused whole, and a page whose draft is older than the saved one gets 409:
    // it must reload rather than overwrite what another page saved.
    private static async Task<IResult> SaveSummaryAsync(SummarySave? save, HttpContext context, SummaryComposer composer, CancellationToken cancellationToken)
    {
        var chatId = WebCaller.Of(context).UserId;
        if (await composer.RefusalAsync(chatId, save, cancellationToken) is { } refusal)
        {
            return Problem(refusal, StatusCodes.Status400BadRequest);
        }

        return await composer.SaveAsync(chatId, save!, cancellationToken) is { } version
            ? Results.Json(new SummarySaved(version), WebJson.Default.SummarySaved)
            : Problem("the draft was changed in another window: reload it", StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> PreviewSummaryAsync(HttpContext context, SummaryComposer composer, CancellationToken cancellationToken) =>
        await composer.DocumentAsync(WebCaller.Of(context), cancellationToken) is { } document
            ? Results.Json(SummaryComposer.Preview(document), WebJson.Default.SummaryPreview)
            : NoReflections();

    // The same renderer and photos as /export's files.
    private static async Task<IResult> SummaryDocxAsync(HttpContext context, SummaryComposer composer, SummaryPhotos photos, CancellationToken cancellationToken)
    {
        if (await composer.DocumentAsync(WebCaller.Of(context), cancellationToken) is not { } document)
        {
            return NoReflections();
        }

        var pictures = await photos.FetchAsync(document.PhotoFileIds, cancellationToken);
        return Results.File(SummaryDocx.Render(document, pictures), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", document.FileName + ".docx");
    }

    private static async Task<IResult> SummaryMarkdownAsync(HttpContext context, SummaryComposer composer, CancellationToken cancellationToken) =>
        await composer.DocumentAsync(WebCaller.Of(context), cancellationToken) is { } document
            ? Results.File(Encoding.UTF8.GetBytes(SummaryMarkdown.Render(document)), "text/markdown; charset=utf-8", document.FileName + ".md")
            : NoReflections();

    private static IResult NoReflections() => Problem("no reflections yet: answer a prompt first", StatusCodes.Status404NotFound);

    // For a change made of several writes (a save and its rescheduling, a confirm and its audit):
    // once begun it runs to its end though the page is closed or the phone's connection drops;
    // only the bot's stopping cuts it short.
    internal static CancellationToken UntilStopping(HttpContext context) =>
        context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

    internal static IResult Problem(string error, int status) => Results.Json(new WebError(error), WebJson.Default.WebError, statusCode: status);
}

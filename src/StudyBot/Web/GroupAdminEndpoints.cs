using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using StudyBot.Broadcasts;
using StudyBot.Content;
using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Reports;

namespace StudyBot.Web;

// The organizer's changes under /app/api/groups/{id}, behind the dashboard's organizer filter:
// the group's settings (/groupset), a broadcast (/broadcast: preview, confirm, progress) and a
// pack upload (a document sent to the bot: checked first, then imported). Each goes through the
// same code as its chat command, so the rules and refusals are the chat's.
internal static class GroupAdminEndpoints
{
    public static void MapGroupAdmin(this RouteGroupBuilder group)
    {
        group.MapGet("/settings", SettingsAsync);
        group.MapPut("/settings", ChangeSettingsAsync);
        group.MapPost("/broadcasts/preview", PreviewBroadcastAsync);
        group.MapPost("/broadcasts/{broadcastId:long}/confirm", ConfirmBroadcastAsync);
        group.MapPost("/broadcasts/{broadcastId:long}/cancel", CancelBroadcastAsync);
        group.MapGet("/broadcasts/{broadcastId:long}", BroadcastProgressAsync);
        group.MapPost("/packs/check", CheckPackAsync);
        group.MapPost("/packs", ImportPackAsync);
    }

    private static async Task<IResult> SettingsAsync(HttpContext context, GroupStore groups, ContentStore content, CancellationToken cancellationToken) =>
        await groups.GetAsync(DashboardEndpoints.CourseOf(context).Group.Id, cancellationToken) is { } group
            ? await SettingsOfAsync(group, content, cancellationToken)
            : DashboardEndpoints.NoSuchGroup();

    // As /groupset: all or nothing, every bad key or value named in the caller's language.
    private static async Task<IResult> ChangeSettingsAsync(GroupSettingsRequest? request, HttpContext context, GroupStore groups, ContentStore content, GroupSettingsChange change, WebUsers users, Texts texts, CancellationToken cancellationToken)
    {
        if (request?.Settings is not { Count: > 0 } settings)
        {
            return WebEndpoints.Problem("settings: name at least one key to change", StatusCodes.Status400BadRequest);
        }

        if (await groups.GetAsync(DashboardEndpoints.CourseOf(context).Group.Id, cancellationToken) is not { } group)
        {
            return DashboardEndpoints.NoSuchGroup();
        }

        var caller = WebCaller.Of(context);
        var language = await users.LanguageOfAsync(caller, cancellationToken);
        var pairs = settings.Select(setting => $"{setting.Key}={setting.Value}").ToList();
        var (changed, problems) = await change.ApplyAsync(caller.UserId, group, pairs, language, WebEndpoints.UntilStopping(context));
        return changed is null
            ? Refused(texts.Get(language, "GroupSetRefused", string.Join("; ", problems)), problems)
            : await SettingsOfAsync(changed, content, cancellationToken);
    }

    private static async Task<IResult> SettingsOfAsync(StudyGroup group, ContentStore content, CancellationToken cancellationToken)
    {
        var packs = await content.PackNamesAsync(group.Id, cancellationToken);
        var settings = GroupSettings.Values(group).ToDictionary(StringComparer.Ordinal);
        return Results.Json(
            new GroupSettingsResponse(new GroupRef(group.Id, group.Name), settings, [.. packs.Order(StringComparer.Ordinal)]),
            WebJson.Default.GroupSettingsResponse);
    }

    // As /broadcast: a draft, nothing sent; the page shows the text and the count and confirms.
    private static async Task<IResult> PreviewBroadcastAsync(BroadcastText? request, HttpContext context, Broadcaster broadcaster, WebUsers users, CancellationToken cancellationToken)
    {
        if (BroadcastTextOf(request) is not { } text)
        {
            return BadBroadcastText();
        }

        var caller = WebCaller.Of(context);
        var language = await users.LanguageOfAsync(caller, cancellationToken);

        // The private chat with the bot is the user's id: the final count goes there as from /broadcast.
        var draft = await broadcaster.DraftAsync(caller.UserId, caller.UserId, DashboardEndpoints.CourseOf(context).Group.Id, language, text, null, WebEndpoints.UntilStopping(context));
        return Results.Json(new BroadcastPreviewResponse(draft.Id, text, draft.Recipients, draft.LinkedChats), WebJson.Default.BroadcastPreviewResponse);
    }

    // The preview's id is the confirm's idempotency key: a draft is confirmed once (BroadcastStore's
    // claim), so a double click or a replay answers the broadcast as it is and sends nothing more.
    // The text must be the previewed one: the page confirms what the organizer saw.
    private static async Task<IResult> ConfirmBroadcastAsync(long broadcastId, BroadcastText? request, HttpContext context, BroadcastStore broadcasts, Broadcaster broadcaster, CancellationToken cancellationToken)
    {
        if (BroadcastTextOf(request) is not { } text)
        {
            return BadBroadcastText();
        }

        if (await BroadcastInAsync(context, broadcasts, broadcastId, cancellationToken) is not { } broadcast)
        {
            return NoSuchBroadcast();
        }

        if (!string.Equals(text, broadcast.Text, StringComparison.Ordinal))
        {
            return WebEndpoints.Problem("the text is not the previewed one: preview it again", StatusCodes.Status400BadRequest);
        }

        if (broadcast.Status == BroadcastStore.Status.Cancelled)
        {
            return WebEndpoints.Problem("this broadcast was cancelled; nothing was sent", StatusCodes.Status409Conflict);
        }

        // A replay of a confirm already taken: its progress, without going near the sending.
        var total = broadcast.Status == BroadcastStore.Status.Draft
            ? await broadcaster.ConfirmAsync(WebCaller.Of(context).UserId, broadcast, WebEndpoints.UntilStopping(context))
            : null;
        if (total is null && broadcasts.IsExpired(broadcast))
        {
            return WebEndpoints.Problem($"this preview is older than {BroadcastStore.DraftLifetime.TotalHours:0} hours; nothing was sent: preview it again", StatusCodes.Status409Conflict);
        }

        var now = await broadcasts.GetAsync(broadcastId, cancellationToken) ?? broadcast;
        return Results.Json(new BroadcastConfirmResponse(total is not null, await ProgressOfAsync(now, broadcasts, cancellationToken)), WebJson.Default.BroadcastConfirmResponse);
    }

    // As the preview's Cancel button in the chat: only a draft; one confirmed already goes on.
    private static async Task<IResult> CancelBroadcastAsync(long broadcastId, HttpContext context, BroadcastStore broadcasts, Broadcaster broadcaster, CancellationToken cancellationToken)
    {
        if (await BroadcastInAsync(context, broadcasts, broadcastId, cancellationToken) is null)
        {
            return NoSuchBroadcast();
        }

        return await broadcaster.CancelAsync(WebCaller.Of(context).UserId, broadcastId, WebEndpoints.UntilStopping(context))
            ? Results.NoContent()
            : WebEndpoints.Problem("this broadcast was confirmed or cancelled already", StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> BroadcastProgressAsync(long broadcastId, HttpContext context, BroadcastStore broadcasts, CancellationToken cancellationToken) =>
        await BroadcastInAsync(context, broadcasts, broadcastId, cancellationToken) is { } broadcast
            ? Results.Json(await ProgressOfAsync(broadcast, broadcasts, cancellationToken), WebJson.Default.BroadcastProgressResponse)
            : NoSuchBroadcast();

    // A finished broadcast keeps its final counts (its outbox rows are pruned later); one sending
    // is counted from its outbox rows as BroadcastProgress counts them.
    private static async Task<BroadcastProgressResponse> ProgressOfAsync(Broadcast broadcast, BroadcastStore broadcasts, CancellationToken cancellationToken)
    {
        var finished = broadcast.Status == BroadcastStore.Status.Done;
        var counts = broadcast.Status == BroadcastStore.Status.Sending ? await broadcasts.CountAsync(broadcast.Id, cancellationToken) : null;
        return new BroadcastProgressResponse(
            broadcast.Id,
            broadcast.Status,
            broadcast.Total,
            counts?.Delivered ?? broadcast.Delivered ?? 0,
            counts?.Blocked ?? broadcast.Blocked ?? 0,
            counts?.Failed ?? broadcast.Failed ?? 0,
            counts?.Pending ?? 0,
            finished);
    }

    // Another group's broadcast (or an owner's to everyone) is answered as one that does not exist.
    private static async Task<Broadcast?> BroadcastInAsync(HttpContext context, BroadcastStore broadcasts, long broadcastId, CancellationToken cancellationToken) =>
        await broadcasts.GetAsync(broadcastId, cancellationToken) is { } broadcast && broadcast.GroupId == DashboardEndpoints.CourseOf(context).Group.Id ? broadcast : null;

    // Trimmed as the chat trims what follows /broadcast.
    private static string? BroadcastTextOf(BroadcastText? request) =>
        request?.Text?.Trim() is { Length: > 0 and <= Broadcaster.MaxTextLength } text ? text : null;

    private static IResult BadBroadcastText() =>
        WebEndpoints.Problem($"a notice is 1 to {Broadcaster.MaxTextLength} characters", StatusCodes.Status400BadRequest);

    private static IResult NoSuchBroadcast() => WebEndpoints.Problem("no such broadcast in this group", StatusCodes.Status404NotFound);

    // The file is the request's body, its name in ?name= (the extension says the format); a CSV's
    // language and start in ?language= and ?start=, as the chat takes them from the caption.
    // Nothing is imported: the page shows this, then sends the same file to /packs.
    private static async Task<IResult> CheckPackAsync(HttpContext context, PackImporter importer, GroupParticipation participation, WebUsers users, [FromQuery] string? name, [FromQuery] string? language, [FromQuery] string? start, CancellationToken cancellationToken)
    {
        if (PackFileName(name) is not { } fileName)
        {
            return NoFileName();
        }

        var userLanguage = await users.LanguageOfAsync(WebCaller.Of(context), cancellationToken);
        if (await ReadFileAsync(context) is not { } bytes)
        {
            return TooLarge(importer, userLanguage);
        }

        var group = DashboardEndpoints.CourseOf(context).Group;
        var check = importer.Check(fileName, bytes, Caption(language, start), userLanguage, participation.TodayOf(group), group.Language);
        if (check.Pack is not { } pack)
        {
            return Refused(check.Refusal!, check.Problems);
        }

        var first = pack.Items.Take(3).Select(i => new PackItemView(i.Theme, i.Quote, i.Source, i.Prompt, i.Date)).ToList();
        return Results.Json(new PackCheckResponse(pack.Name, pack.Language, pack.Start, pack.Items.Count, first), WebJson.Default.PackCheckResponse);
    }

    // The checked file again, rather than a token for one kept here: instances share no memory, a
    // pack is at most 1 MB, and the import checks it again, so nothing unchecked goes in. It
    // becomes this group's pack (whoever uploads it, an owner too: they chose this group's page)
    // and its course unless ?activate=no, as a document sent to the bot with that caption.
    private static async Task<IResult> ImportPackAsync(HttpContext context, PackImporter importer, PackUploads uploads, GroupParticipation participation, WebUsers users, Texts texts, [FromQuery] string? name, [FromQuery] string? language, [FromQuery] string? start, [FromQuery] string? activate, CancellationToken cancellationToken)
    {
        if (PackFileName(name) is not { } fileName)
        {
            return NoFileName();
        }

        if (activate is not (null or "yes" or "no"))
        {
            return WebEndpoints.Problem("activate is yes or no", StatusCodes.Status400BadRequest);
        }

        var caller = WebCaller.Of(context);
        var userLanguage = await users.LanguageOfAsync(caller, cancellationToken);
        if (await ReadFileAsync(context) is not { } bytes)
        {
            return TooLarge(importer, userLanguage);
        }

        var group = DashboardEndpoints.CourseOf(context).Group;
        var upload = await uploads.ImportAsync(caller.UserId, group.Id, fileName, bytes, Caption(language, start), activate != "no", userLanguage, participation.TodayOf(group), WebEndpoints.UntilStopping(context));
        if (upload.Outcome.Summary is not { } imported)
        {
            return Refused(upload.Outcome.Message, upload.Outcome.Problems);
        }

        var message = upload.Outcome.Message + "\n" + (upload.Activated
            ? texts.Get(userLanguage, "PackActivated", group.Name)
            : texts.Get(userLanguage, "PackNotActivated", group.Name, imported.PackName));
        return Results.Json(new PackImportResponse(imported.PackName, imported.ItemsAdded, imported.ItemsReplaced, upload.Activated, message), WebJson.Default.PackImportResponse);
    }

    // Just the name: a path in it says nothing about the pack.
    private static string? PackFileName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? null : Path.GetFileName(name.Trim()) is { Length: > 0 and <= 255 } fileName ? fileName : null;

    // A change refused whole: the chat's one message, and each problem for the page to list.
    private static IResult Refused(string error, IReadOnlyList<string> problems, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(new WebRefusal(error, problems), WebJson.Default.WebRefusal, statusCode: status);

    private static IResult NoFileName() =>
        WebEndpoints.Problem("name: the file's name, such as course.yaml, is required", StatusCodes.Status400BadRequest);

    // What the chat reads from a CSV pack's caption, from the page's fields.
    private static string? Caption(string? language, string? start) =>
        string.Join(' ', new[] { ("language", language), ("start", start) }.Where(p => !string.IsNullOrWhiteSpace(p.Item2)).Select(p => $"{p.Item1}={p.Item2!.Trim()}"));

    // At most one byte past the limit is read, and a length announced past it is refused before
    // reading anything.
    private static async Task<byte[]?> ReadFileAsync(HttpContext context)
    {
        if (context.Request.ContentLength > PackImporter.MaxBytes)
        {
            return null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = PackImporter.MaxBytes;
        }

        // Read to one byte past the limit and no further, whether or not the server enforced it.
        var buffer = new byte[PackImporter.MaxBytes + 1];
        var read = 0;
        try
        {
            int got;
            while (read < buffer.Length && (got = await context.Request.Body.ReadAsync(buffer.AsMemory(read), context.RequestAborted)) > 0)
            {
                read += got;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return read > PackImporter.MaxBytes ? null : buffer[..read];
    }

    private static IResult TooLarge(PackImporter importer, string language)
    {
        var message = importer.TooLarge(language).Message;
        return Refused(message, [message], StatusCodes.Status413PayloadTooLarge);
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Exports;
using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Reports;
using StudyBot.Wall;

namespace StudyBot.Web;

// The organizer's API under /app/api/groups: the groups one runs, and per group the dashboard,
// the nudge, the wall, the report and export to download (and the changes of GroupAdminEndpoints).
// A group the caller does not run is answered as one that does not exist (404), whoever asks; an
// owner runs every group.
internal static class DashboardEndpoints
{
    public static void MapDashboard(this RouteGroupBuilder signedIn)
    {
        signedIn.MapGet("/groups", GroupsAsync);
        var group = signedIn.MapGroup("/groups/{id:long}").AddEndpointFilter(RequireOrganizerAsync);
        group.MapGet("/dashboard", ShowAsync);
        group.MapGet("/report.xlsx", ReportAsync).AsDownload("report.xlsx");
        group.MapGet("/export.xlsx", ExportXlsxAsync).AsDownload("export.xlsx");
        group.MapGet("/export.csv", ExportCsvAsync).AsDownload("export.csv");
        group.MapPost("/nudge", NudgeAsync);
        group.MapGet("/wall", WallAsync);
        group.MapPost("/wall/{reflectionId:long}/feature", FeatureAsync);
        group.MapPost("/wall/{reflectionId:long}/comment", CommentAsync);
        group.MapGroupAdmin();
    }

    // Asked on every request, not cached: an organizer removed from a group loses it at once.
    private static async ValueTask<object?> RequireOrganizerAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var services = context.RequestServices;
        if (!long.TryParse(context.Request.RouteValues["id"]?.ToString(), out var groupId)
            || !await services.GetRequiredService<GroupAccess>().MayRunAsync(WebCaller.Of(context).UserId, groupId, context.RequestAborted)
            || await services.GetRequiredService<GroupCourses>().GetAsync(groupId, context.RequestAborted) is not { } course)
        {
            return NoSuchGroup();
        }

        context.Items[typeof(GroupCourse)] = course;
        return await next(invocation);
    }

    internal static GroupCourse CourseOf(HttpContext context) => (GroupCourse)context.Items[typeof(GroupCourse)]!;

    private static async Task<IResult> GroupsAsync(HttpContext context, WebUsers users, CancellationToken cancellationToken)
    {
        var run = await users.GroupsRunByAsync(WebCaller.Of(context).UserId, cancellationToken);
        return run.Count == 0
            ? WebEndpoints.Problem("only organizers have groups here", StatusCodes.Status403Forbidden)
            : Results.Json(new GroupsResponse(run), WebJson.Default.GroupsResponse);
    }

    private static async Task<IResult> ShowAsync(HttpContext context, Dashboard dashboard, GroupParticipation participation, [FromQuery] string? from, [FromQuery] string? to, CancellationToken cancellationToken)
    {
        var course = CourseOf(context);
        if (RangeOf(participation, course.Group, from, to) is not (var first, var last))
        {
            return BadRange();
        }

        try
        {
            return (await dashboard.ShowJsonAsync(course, first, last, cancellationToken)).ToResult(context.Request);
        }
        catch (DashboardBusyException busy)
        {
            return WebEndpoints.Problem(busy.Message, StatusCodes.Status503ServiceUnavailable);
        }
    }

    // The workbook /report sends, by the same range rules as the dashboard's.
    private static async Task<IResult> ReportAsync(HttpContext context, ParticipationReport reports, GroupParticipation participation, WebUsers users, [FromQuery] string? from, [FromQuery] string? to, CancellationToken cancellationToken)
    {
        var course = CourseOf(context);
        if (RangeOf(participation, course.Group, from, to) is not (var first, var last))
        {
            return BadRange();
        }

        var caller = WebCaller.Of(context);
        var language = await users.LanguageOfAsync(caller, cancellationToken);
        if (await reports.WriteAsync(course, first, last, language, cancellationToken) is not { } report)
        {
            return WebEndpoints.Problem("the group has no members yet", StatusCodes.Status404NotFound);
        }

        // The file is opened (and from then on deleted when sent) only once the audit is written.
        try
        {
            await reports.RecordAsync(caller.UserId, report, WebEndpoints.UntilStopping(context));
        }
        catch
        {
            report.Dispose();
            throw;
        }

        return DownloadEndpoints.TemporaryFile(report.Path, ParticipationReport.ContentType, report.FileName);
    }

    private static Task<IResult> ExportXlsxAsync(HttpContext context, ReflectionExport export, WebUsers users, [FromQuery] string? from, [FromQuery] string? to, CancellationToken cancellationToken) =>
        ExportAsync(context, export, users, from, to, csv: false, cancellationToken);

    private static Task<IResult> ExportCsvAsync(HttpContext context, ReflectionExport export, WebUsers users, [FromQuery] string? from, [FromQuery] string? to, CancellationToken cancellationToken) =>
        ExportAsync(context, export, users, from, to, csv: true, cancellationToken);

    // /exportall's files for the group, one at a time: no dates is everything, as there, and the
    // same limit on a file's size.
    private static async Task<IResult> ExportAsync(HttpContext context, ReflectionExport export, WebUsers users, string? from, string? to, bool csv, CancellationToken cancellationToken)
    {
        if (DateRange.Parse(from, to) is not { } range)
        {
            return WebEndpoints.Problem("from and to must be YYYY-MM-DD, from not after to", StatusCodes.Status400BadRequest);
        }

        var caller = WebCaller.Of(context);
        var language = await users.LanguageOfAsync(caller, cancellationToken);
        var files = await export.WriteAsync(CourseOf(context).Group.Id, range, language, cancellationToken);
        if (files.Rows == 0)
        {
            files.Dispose();
            await export.RecordAsync(caller.UserId, files, cancellationToken);
            return WebEndpoints.Problem("no reflections in this range", StatusCodes.Status404NotFound);
        }

        if (files.IsTooLarge)
        {
            files.Dispose();
            return WebEndpoints.Problem($"the export of {files.Rows} reflections is larger than {ReflectionExport.MaxFileBytes / 1024 / 1024} MB: choose fewer days", StatusCodes.Status400BadRequest);
        }

        // One file to a download: the other of the pair goes at once.
        var (path, other) = csv ? (files.CsvPath, files.XlsxPath) : (files.XlsxPath, files.CsvPath);
        File.Delete(other);
        try
        {
            await export.RecordAsync(caller.UserId, files, WebEndpoints.UntilStopping(context));
        }
        catch
        {
            files.Dispose();
            throw;
        }

        return DownloadEndpoints.TemporaryFile(path, csv ? ReflectionExport.CsvContentType : ReflectionExport.XlsxContentType, files.BaseName + (csv ? ".csv" : ".xlsx"));
    }

    private static async Task<IResult> NudgeAsync(NudgeRequest? request, HttpContext context, Dashboard dashboard, CancellationToken cancellationToken)
    {
        if (request?.MemberIds is { Count: > Dashboard.MaxNudgeIds })
        {
            return WebEndpoints.Problem($"at most {Dashboard.MaxNudgeIds} members at once", StatusCodes.Status400BadRequest);
        }

        var only = request?.MemberIds is { } ids ? ids.ToHashSet() : null;
        var nudged = await dashboard.NudgeAsync(WebCaller.Of(context).UserId, CourseOf(context).Group.Id, only, cancellationToken);
        return Results.Json(new NudgeResponse(nudged), WebJson.Default.NudgeResponse);
    }

    private static async Task<IResult> WallAsync(HttpContext context, Dashboard dashboard, GroupParticipation participation, [FromQuery] string? day, CancellationToken cancellationToken)
    {
        if (!TryParseDay(day, out var asked))
        {
            return WebEndpoints.Problem("day must be YYYY-MM-DD", StatusCodes.Status400BadRequest);
        }

        var group = CourseOf(context).Group;
        return Results.Json(await dashboard.WallAsync(group.Id, asked ?? participation.TodayOf(group), cancellationToken), WebJson.Default.WallResponse);
    }

    private static async Task<IResult> FeatureAsync(long reflectionId, HttpContext context, WallStore wall, WallActions actions, CancellationToken cancellationToken)
    {
        var group = CourseOf(context).Group;
        if (await SharedInAsync(wall, group, reflectionId, cancellationToken) is not { } reflection)
        {
            return NoSuchReflection();
        }

        var first = await actions.FeatureAsync(WebCaller.Of(context).UserId, reflection, group.Language, cancellationToken);
        return Results.Json(new FeatureResponse(first), WebJson.Default.FeatureResponse);
    }

    private static async Task<IResult> CommentAsync(long reflectionId, CommentRequest? request, HttpContext context, WallStore wall, WallActions actions, CancellationToken cancellationToken)
    {
        var text = request?.Text?.Trim();
        if (string.IsNullOrEmpty(text) || WallActions.IsTooLong(text))
        {
            return WebEndpoints.Problem($"a comment is 1 to {WallActions.MaxCommentLength} characters", StatusCodes.Status400BadRequest);
        }

        var group = CourseOf(context).Group;
        if (await SharedInAsync(wall, group, reflectionId, cancellationToken) is not { } reflection)
        {
            return NoSuchReflection();
        }

        await actions.CommentAsync(WebCaller.Of(context).UserId, reflection, text, group.Language, cancellationToken);
        return Results.NoContent();
    }

    // Feature and Comment, as on /wall: only for what a member of this group shared.
    private static async Task<WallReflection?> SharedInAsync(WallStore wall, StudyGroup group, long reflectionId, CancellationToken cancellationToken) =>
        await wall.FindAsync(reflectionId, cancellationToken) is { IsShared: true } reflection && reflection.GroupId == group.Id ? reflection : null;

    // The dashboard's and the report's: /report's defaults and limits. Null for a bad one.
    private static (DateOnly From, DateOnly To)? RangeOf(GroupParticipation participation, StudyGroup group, string? from, string? to) =>
        TryParseDay(from, out var askedFrom) && TryParseDay(to, out var askedTo) ? participation.RangeOf(group, askedFrom, askedTo) : null;

    private static IResult BadRange() =>
        WebEndpoints.Problem($"from and to must be YYYY-MM-DD, from not after to, and the range at most {GroupParticipation.MaxDays} days", StatusCodes.Status400BadRequest);

    // Absent: null, and true.
    private static bool TryParseDay(string? text, out DateOnly? day)
    {
        day = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!IsoDate.TryParse(text, out var parsed))
        {
            return false;
        }

        day = parsed;
        return true;
    }

    internal static IResult NoSuchGroup() => WebEndpoints.Problem("no such group", StatusCodes.Status404NotFound);

    private static IResult NoSuchReflection() => WebEndpoints.Problem("no such shared reflection in this group", StatusCodes.Status404NotFound);
}

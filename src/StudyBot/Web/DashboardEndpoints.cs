using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Groups;
using StudyBot.Localization;
using StudyBot.Reports;
using StudyBot.Wall;

namespace StudyBot.Web;

// The organizer's API under /app/api/groups: the groups one runs, and per group the dashboard,
// the nudge and the wall (and the changes of GroupAdminEndpoints). A group the caller does not run is answered as one that does not
// exist (404), whoever asks; an owner runs every group.
internal static class DashboardEndpoints
{
    public static void MapDashboard(this RouteGroupBuilder signedIn)
    {
        signedIn.MapGet("/groups", GroupsAsync);
        var group = signedIn.MapGroup("/groups/{id:long}").AddEndpointFilter(RequireOrganizerAsync);
        group.MapGet("/dashboard", ShowAsync);
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
        if (!TryParseDay(from, out var askedFrom) || !TryParseDay(to, out var askedTo))
        {
            return WebEndpoints.Problem("from and to must be YYYY-MM-DD", StatusCodes.Status400BadRequest);
        }

        var course = CourseOf(context);
        if (participation.RangeOf(course.Group, askedFrom, askedTo) is not (var first, var last))
        {
            return WebEndpoints.Problem($"from must not be after to, and the range at most {GroupParticipation.MaxDays} days", StatusCodes.Status400BadRequest);
        }

        return (await dashboard.ShowJsonAsync(course, first, last, cancellationToken)).ToResult(context.Request);
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

using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Groups;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;

namespace StudyBot.Web;

// GET /app/api/me: the signed-in user as the bot knows them. Someone who never sent /start is
// still answered (a learner with an empty journal), named and spoken to as Telegram says.
internal sealed class WebUsers(LearnerStore learners, GroupStore groups, GroupAccess access, IOptions<BotOptions> options)
{
    public async Task<MeResponse> DescribeAsync(WebCaller caller, CancellationToken cancellationToken)
    {
        var learner = await learners.GetAsync(caller.UserId, cancellationToken);
        var name = NameOf(caller, learner);
        var language = LanguageOf(caller, learner);
        var audience = await access.AudienceOfAsync(caller.UserId, cancellationToken);
        var organizes = await GroupsRunByAsync(caller.UserId, cancellationToken);
        var group = learner is null ? null : await groups.GetAsync(learner.GroupId, cancellationToken) is { } g ? new GroupRef(g.Id, g.Name) : null;
        var role = audience switch
        {
            CommandAudience.Owner => "owner",
            CommandAudience.Organizer => "organizer",
            _ => "learner",
        };
        return new MeResponse(caller.UserId, name, language, role, group, organizes,
            caller.SessionToken is null ? "telegram" : "browser",
            caller.SessionToken is { } session ? WebSessions.CsrfTokenOf(session) : null);
    }

    // What a document written for the user is headed and worded with, and the group whose course
    // it names: one read, not DescribeAsync's roles and groups.
    public async Task<(string Name, string Language, long? GroupId)> WriterAsync(WebCaller caller, CancellationToken cancellationToken)
    {
        var learner = await learners.GetAsync(caller.UserId, cancellationToken);
        return (NameOf(caller, learner), LanguageOf(caller, learner), learner?.GroupId);
    }

    // The language the bot speaks to this user in, for the refusals the chat would give.
    public async Task<string> LanguageOfAsync(WebCaller caller, CancellationToken cancellationToken) =>
        LanguageOf(caller, await learners.GetAsync(caller.UserId, cancellationToken));

    private static string NameOf(WebCaller caller, Learner? learner) =>
        learner?.DisplayName is { Length: > 0 } known ? known : caller.TelegramUser?.DisplayName ?? caller.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string LanguageOf(WebCaller caller, Learner? learner) =>
        learner?.Language ?? Languages.Normalize(caller.TelegramUser?.LanguageCode) ?? options.Value.Language;

    // The groups the user runs (an owner: all of them), for the dashboard's switcher.
    public async Task<List<GroupRef>> GroupsRunByAsync(long userId, CancellationToken cancellationToken)
    {
        var run = await access.GroupsRunByAsync(userId, cancellationToken);
        return run is { Count: 0 } ? [] : [.. (await groups.ListAsync(run, cancellationToken)).Select(g => new GroupRef(g.Id, g.Name))];
    }
}

using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Telegram.Routing;

namespace StudyBot.Groups;

// Who may run which group. Owners (Bot:AdminIds) run every group; an organizer runs the groups
// they were appointed to and nothing else. Every organizer command asks here for its scope.
internal sealed class GroupAccess(GroupStore groups, IOptions<BotOptions> options)
{
    public bool IsOwner(long userId) => options.Value.IsAdmin(userId);

    public async Task<bool> IsOrganizerAsync(long userId, CancellationToken cancellationToken) =>
        IsOwner(userId) || (await groups.GroupsOrganizedByAsync(userId, cancellationToken)).Count > 0;

    // The most this user may use.
    public async Task<CommandAudience> AudienceOfAsync(long userId, CancellationToken cancellationToken) =>
        IsOwner(userId) ? CommandAudience.Owner
        : await IsOrganizerAsync(userId, cancellationToken) ? CommandAudience.Organizer
        : CommandAudience.Learner;

    // The groups the user may pick from, or null for an owner (all of them).
    public async Task<IReadOnlyList<long>?> GroupsRunByAsync(long userId, CancellationToken cancellationToken) =>
        IsOwner(userId) ? null : await groups.GroupsOrganizedByAsync(userId, cancellationToken);

    // What an organizer command acts on: null for someone who runs no group. An owner acts on all
    // groups until they pick one; an organizer on the group they picked, else their first.
    public async Task<GroupScope?> CurrentScopeAsync(long userId, CancellationToken cancellationToken)
    {
        var (picked, pickedGroup) = await groups.CurrentChoiceAsync(userId, cancellationToken);
        if (IsOwner(userId))
        {
            return picked && pickedGroup is { } id && await groups.GetAsync(id, cancellationToken) is not null
                ? GroupScope.Of(id)
                : GroupScope.All;
        }

        var organized = await groups.GroupsOrganizedByAsync(userId, cancellationToken);
        if (organized.Count == 0)
        {
            return null;
        }

        return GroupScope.Of(pickedGroup is { } choice && organized.Contains(choice) ? choice : organized[0]);
    }

    public async Task<bool> MayRunAsync(long userId, long groupId, CancellationToken cancellationToken) =>
        IsOwner(userId) || (await groups.GroupsOrganizedByAsync(userId, cancellationToken)).Contains(groupId);
}

// One group, or (for an owner) the whole deployment.
internal sealed record GroupScope(long? GroupId)
{
    public static readonly GroupScope All = new((long?)null);

    public bool IsAll => GroupId is null;

    public static GroupScope Of(long groupId) => new(groupId);
}

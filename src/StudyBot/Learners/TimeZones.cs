using System.Diagnostics.CodeAnalysis;

namespace StudyBot.Learners;

internal static class TimeZones
{
    // TryFindSystemTimeZoneById also accepts Windows ids, lower case and legacy names (PRC, EST5EDT);
    // learners and settings must name an IANA Area/City zone (or UTC), spelled exactly.
    public static bool TryFind(string? id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(id) || !TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found))
        {
            return false;
        }

        if (!found.HasIanaId || !string.Equals(found.Id, id, StringComparison.Ordinal) || !(id.Contains('/', StringComparison.Ordinal) || id == "UTC"))
        {
            return false;
        }

        zone = found;
        return true;
    }

    public static TimeZoneInfo Get(string id) =>
        TryFind(id, out var zone) ? zone : TimeZoneInfo.Utc;
}

using System.Collections.Concurrent;
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

    // A stored zone is looked up on every reply; the system's own lookup takes a process-wide lock.
    // Only zones found are kept, so they are bounded by the zones the machine knows.
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Known = new(StringComparer.Ordinal);

    public static TimeZoneInfo Get(string id)
    {
        if (Known.TryGetValue(id, out var known))
        {
            return known;
        }

        if (!TryFind(id, out var zone))
        {
            return TimeZoneInfo.Utc;
        }

        Known.TryAdd(id, zone);
        return zone;
    }
}

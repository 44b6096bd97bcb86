using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Data;
using StudyBot.Groups;
using StudyBot.Localization;

namespace StudyBot.Content;

internal sealed class ContentStore(Database database, TimeProvider time, IOptions<BotOptions> botOptions)
{
    // The active pack of a language is read once per import here, not once per learner, and again
    // after a while: a pack may also be imported by another instance or by `StudyBot import`.
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, CachedPack> activeByLanguage = new(StringComparer.Ordinal);

    // The items of each pack, loaded once per import and shared by every key (language, or group
    // and name) that finds that pack: with thousands of groups naming the same shipped pack, a copy
    // per group was 34 KB each (70 MB for 2,000 groups) and a read of all its items every 15 s.
    private readonly ConcurrentDictionary<long, LoadedPack> packsById = new();

    // Every group's packs: shipped ones and the owners'. An organizer's pack carries its group's id.
    public const long SharedPacks = 0;

    // A pack of the same name in the same group (or among the shared ones) is replaced; another
    // group's pack of that name is another pack.
    public async Task<ImportSummary> ImportAsync(ContentPack pack, CancellationToken cancellationToken, long groupId = SharedPacks)
    {
        var language = Languages.Normalize(pack.Language) ?? throw new ArgumentException("validate the pack first", nameof(pack));
        var importedUtc = time.GetUtcNow().UtcDateTime;
        var replaced = await database.WriteAsync(async (connection, transaction) =>
        {
            const string upsertPack = """
                INSERT INTO packs (group_id, name, language, start_date, imported_utc)
                VALUES (@GroupId, @Name, @Language, @StartDate, @ImportedUtc)
                ON CONFLICT (group_id, name) DO UPDATE SET language = excluded.language, start_date = excluded.start_date, imported_utc = excluded.imported_utc
                RETURNING id
                """;
            var packId = await connection.ExecuteScalarAsync<long>(upsertPack, new { GroupId = groupId, pack.Name, Language = language, StartDate = pack.Start, ImportedUtc = importedUtc, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);

            const string deleteItems = "DELETE FROM content_items WHERE pack_id = @PackId";
            var deleted = await connection.ExecuteAsync(deleteItems, new { PackId = packId, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);

            const string insertItem = """
                INSERT INTO content_items (pack_id, position, theme, quote, source, prompt, pinned_date, intention)
                VALUES (@PackId, @Position, @Theme, @Quote, @Source, @Prompt, @PinnedDate, @Intention)
                """;
            var rows = pack.Items.Select((item, index) => new
            {
                PackId = packId,
                Position = index,
                Theme = item.Theme.Trim(),
                Quote = item.Quote.Trim(),
                Source = item.Source.Trim(),
                Prompt = item.Prompt.Trim(),
                PinnedDate = item.Date,
                Intention = item.Intention ? 1 : 0,
            });
            await connection.ExecuteAsync(insertItem, rows, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            return deleted;
        }, cancellationToken);

        activeByLanguage.Clear();
        packsById.Clear();
        return new ImportSummary(pack.Name, pack.Items.Count, replaced);
    }

    public async Task<bool> SharedPackExistsAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT COUNT(*) FROM packs WHERE name = @Name AND group_id = @Shared";
        return await connection.ExecuteScalarAsync<long>(sql, new { Name = name, Shared = SharedPacks, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds) > 0;
    }

    // The names a group may choose for its course: its own packs and the shared ones.
    public async Task<IReadOnlySet<string>> PackNamesAsync(long groupId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT name FROM packs WHERE group_id IN (@Shared, @GroupId)";
        return (await connection.QueryAsync<string>(sql, new { Shared = SharedPacks, GroupId = groupId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds)).ToHashSet(StringComparer.Ordinal);
    }

    // The item of a group's course for a date: from the group's pack, or where it chose none, from
    // the active pack of the member's language (as before groups), counted over the group's study
    // days from its start (else the pack's own start).
    public async Task<ContentItem?> ItemForAsync(GroupCourse course, string language, DateOnly date, CancellationToken cancellationToken)
    {
        var pack = (course.Group.PackName is { } name ? await PackAsync($"{NamedKey}{course.Group.Id}:{name}", course.Group.Id, null, name, cancellationToken) : null)
            ?? await ActivePackAsync(language, cancellationToken)
            ?? await ActivePackAsync(botOptions.Value.Language, cancellationToken);
        if (pack is null)
        {
            return null;
        }

        var start = course.Calendar.Start ?? pack.Start;
        return ItemSelector.ItemFor(date, course.Calendar.StudyDayIndex(start, date), pack.Items);
    }

    private const string NamedKey = "name:";

    private Task<ActivePack?> ActivePackAsync(string language, CancellationToken cancellationToken)
    {
        botOptions.Value.Packs.TryGetValue(language, out var configuredName);
        return PackAsync(language, SharedPacks, language, configuredName, cancellationToken);
    }

    // By name when one is given (the group's own before a shared one of that name), else the shared
    // pack imported last in the language; cached under key.
    private async Task<ActivePack?> PackAsync(string key, long groupId, string? language, string? configuredName, CancellationToken cancellationToken)
    {
        if (activeByLanguage.TryGetValue(key, out var cached) && Environment.TickCount64 - cached.ReadAtMs < CacheFor.TotalMilliseconds)
        {
            return cached.Pack;
        }

        await using var connection = await database.OpenAsync(cancellationToken);

        // The named (or configured) pack wins; otherwise the one imported last in that language.
        const string selectPack = """
            SELECT id AS Id, start_date AS StartDate, imported_utc AS ImportedUtc
            FROM packs
            WHERE (@ConfiguredName IS NOT NULL AND name = @ConfiguredName AND group_id IN (@Shared, @GroupId))
               OR (@ConfiguredName IS NULL AND language = @Language AND group_id = @Shared)
            ORDER BY group_id DESC, imported_utc DESC, id DESC
            LIMIT 1
            """;
        var row = await connection.QuerySingleOrDefaultAsync<PackRow>(selectPack, new { ConfiguredName = configuredName, Language = language, Shared = SharedPacks, GroupId = groupId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);

        ActivePack? active = null;
        if (row is not null && packsById.TryGetValue(row.Id, out var loaded) && loaded.ImportedUtc == row.ImportedUtc)
        {
            active = loaded.Pack;
        }
        else if (row is not null)
        {
            const string selectItems = """
                SELECT theme AS Theme, quote AS Quote, source AS Source, prompt AS Prompt, pinned_date AS PinnedDate, intention AS Intention
                FROM content_items
                WHERE pack_id = @PackId
                ORDER BY position
                """;
            var items = await connection.QueryAsync<ItemRow>(selectItems, new { PackId = row.Id, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
            active = new ActivePack(row.StartDate, items.Select(i => new ContentItem(i.Theme, i.Quote, i.Source, i.Prompt, i.PinnedDate, i.Intention)).ToList());

            // Imported again (here or by another instance): the new version replaces the old.
            packsById[row.Id] = new LoadedPack(row.ImportedUtc, active);
        }

        activeByLanguage[key] = new CachedPack(active, Environment.TickCount64);
        return active;
    }

    private sealed record ActivePack(DateOnly Start, IReadOnlyList<ContentItem> Items);

    private sealed record CachedPack(ActivePack? Pack, long ReadAtMs);

    private sealed record LoadedPack(DateTime ImportedUtc, ActivePack Pack);

    internal sealed class PackRow
    {
        public long Id { get; set; }
        public DateOnly StartDate { get; set; }
        public DateTime ImportedUtc { get; set; }
    }

    internal sealed class ItemRow
    {
        public string Theme { get; set; } = "";
        public string Quote { get; set; } = "";
        public string Source { get; set; } = "";
        public string Prompt { get; set; } = "";
        public DateOnly? PinnedDate { get; set; }
        public bool Intention { get; set; }
    }
}

internal sealed record ImportSummary(string PackName, int ItemsAdded, int ItemsReplaced);

using StudyBot.Audit;
using StudyBot.Groups;

namespace StudyBot.Content;

// An organizer's pack file, sent to the bot or uploaded in the web app: imported whole or refused,
// made the group's course when asked, and written to the audit log either way.
internal sealed class PackUploads(PackImporter importer, GroupStore groups, GroupCourses courses, AuditLog audit)
{
    /// <param name="groupId">The group whose pack it becomes; ContentStore.SharedPacks for every group's (an owner's in the chat).</param>
    /// <param name="bytes">Null: the file is larger than PackImporter.MaxBytes.</param>
    /// <param name="activate">Make it the group's course (never for a shared pack).</param>
    public async Task<PackUpload> ImportAsync(long userId, long groupId, string fileName, byte[]? bytes, string? caption, bool activate, string language, DateOnly today, CancellationToken cancellationToken)
    {
        // A CSV pack without a language in its caption is in its group's language.
        var group = groupId == ContentStore.SharedPacks ? null : await groups.GetAsync(groupId, cancellationToken);
        var outcome = bytes is null
            ? importer.TooLarge(language)
            : await importer.ImportAsync(fileName, bytes, caption, language, today, cancellationToken, groupId, group?.Language);
        if (outcome.Summary is not { } imported)
        {
            group = null;
        }
        else if (group is not null && activate)
        {
            await groups.SetPackAsync(group.Id, imported.PackName, cancellationToken);
            courses.Forget(group.Id);
        }

        var details = outcome.Summary is { } summary
            ? $"{fileName}: pack {summary.PackName}, {summary.ItemsAdded} added, {summary.ItemsReplaced} replaced"
            : $"{fileName}: refused";
        await audit.WriteAsync(userId, AuditLog.Actions.Import, details, cancellationToken);
        return new PackUpload(outcome, group, group is not null && activate);
    }
}

// Group: the group the imported pack belongs to (null for a shared pack or a refused file);
// Activated: it is now that group's course.
internal sealed record PackUpload(ImportOutcome Outcome, StudyGroup? Group, bool Activated);

using System.Globalization;
using StudyBot.Reflections;
using StudyBot.Wall;

namespace StudyBot.Web;

// The learner's journal in the web app: every reflection of theirs, newest first, with what it
// answered, its comments, and whether it is shared or was edited here.
internal sealed class Journal(ReflectionStore reflections, WallStore wall)
{
    // Telegram's own limit on one message: an edit saves no more than a message could hold.
    public const int MaxTextLength = 4096;

    // Filtered here, not in SQL: one learner has one reflection a day or so, and a culture-aware
    // search finds 「为民」 and "Listen" (as "listen") alike on both engines, with no LIKE patterns
    // to escape.
    public async Task<JournalResponse> ListAsync(long chatId, JournalFilter filter, CancellationToken cancellationToken)
    {
        var all = await reflections.ListAllAsync(chatId, cancellationToken);
        var chosen = all.Where(filter.Matches).Reverse().ToList();
        var comments = await wall.CommentsOnAsync([.. chosen.Select(e => e.Id)], cancellationToken);
        var entries = chosen.Select(e => new JournalEntry(
            e.Id, e.LocalDate, e.Theme, e.Quote, e.Source, e.Prompt, e.Text, TimingName((AnswerTiming)e.MadeUp),
            e.SharedUtc is not null, e.EditedUtc is not null, [.. comments[e.Id]], KindName((ReflectionKind)e.Kind), e.DurationSeconds)).ToList();
        var themes = all.Select(e => e.Theme).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var months = all.Select(e => Month(e.LocalDate)).Distinct(StringComparer.Ordinal).OrderDescending(StringComparer.Ordinal).ToList();
        return new JournalResponse(entries, themes, months);
    }

    // Null when the text is fine; else why not.
    public static string? Refusal(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "the text is empty"
        : text.Length > MaxTextLength ? $"the text is longer than {MaxTextLength} characters"
        : null;

    public Task<bool> EditAsync(long chatId, long reflectionId, string text, CancellationToken cancellationToken) =>
        reflections.EditTextAsync(reflectionId, chatId, text.Trim(), cancellationToken);

    public static string Month(DateOnly date) => date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string KindName(ReflectionKind kind) => kind switch
    {
        ReflectionKind.Photo => "photo",
        ReflectionKind.Voice => "voice",
        _ => "text",
    };

    private static string TimingName(AnswerTiming timing) => timing switch
    {
        AnswerTiming.MadeUp => "madeUp",
        AnswerTiming.Late => "late",
        _ => "onTime",
    };
}

// Query: words to find in the reflection, its theme, quotation or source; Theme: exactly that
// theme; Month: its study day in that month.
internal sealed record JournalFilter(string? Query, string? Theme, string? Month)
{
    private static readonly CompareInfo Compare = CultureInfo.InvariantCulture.CompareInfo;

    // Null when the filter is fine; else why not.
    public string? Refusal =>
        Month is { Length: > 0 } month && !DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? "month must be YYYY-MM"
            : Query is { Length: > 200 } ? "the search is longer than 200 characters"
            : null;

    public bool Matches(ReflectionEntry entry) =>
        (string.IsNullOrEmpty(Theme) || entry.Theme == Theme)
        && (string.IsNullOrEmpty(Month) || Journal.Month(entry.LocalDate) == Month)
        && (string.IsNullOrWhiteSpace(Query) || new[] { entry.Text, entry.Theme, entry.Quote, entry.Source }
            .Any(field => Compare.IndexOf(field, Query.Trim(), CompareOptions.IgnoreCase | CompareOptions.IgnoreWidth) >= 0));
}

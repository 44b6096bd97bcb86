namespace StudyBot.Reflections;

// The draft of a learner's study summary, as data: one section per theme, each quotation of the
// theme followed by the learner's reflections on it in date order, then the reflections that say
// what the learner will do. SummaryMarkdown and SummaryDocx render it; neither decides content.
internal sealed record SummaryDocument(
    SummaryTexts Texts,
    DateOnly First,
    DateOnly Last,
    IReadOnlyList<SummaryTheme> Themes,
    IReadOnlyList<SummaryReflection> NextSteps)
{
    // The course the summary is of (the learner's group, its dates), under the title; null for
    // the default group with no course dates of its own.
    public string? CourseLine { get; init; }

    public string PeriodLine => string.Format(System.Globalization.CultureInfo.InvariantCulture, Texts.Period, Date(First), Date(Last));

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    // comments: the organizers' comments on each reflection (by its id), printed under it.
    public static SummaryDocument? Build(IEnumerable<ReflectionEntry> entries, SummaryTexts texts, ILookup<long, string>? comments = null)
    {
        var ordered = entries.OrderBy(e => e.LocalDate).ThenBy(e => e.CreatedUtc).ThenBy(e => e.Id).ToList();
        if (ordered.Count == 0)
        {
            return null;
        }

        // An answer about what the learner will do belongs under Next steps only: printed under its
        // theme as well, the summary said it twice. A quotation (or theme) left with nothing else
        // under it is left out rather than shown bare.
        // GroupBy keeps the order of first appearance, so themes and quotations come in the order met.
        var themes = ordered
            .Where(e => !e.Intention)
            .GroupBy(e => e.Theme.Trim(), StringComparer.Ordinal)
            .Select(theme => new SummaryTheme(
                theme.Key,
                theme
                    .GroupBy(e => (Quote: e.Quote.Trim(), Source: e.Source.Trim()))
                    .Select(quotation => new SummaryQuotation(quotation.Key.Quote, quotation.Key.Source, quotation.Select(e => ToReflection(e, texts, comments)).ToList()))
                    .ToList()))
            .ToList();
        var nextSteps = ordered.Where(e => e.Intention).Select(e => ToReflection(e, texts, comments)).ToList();
        return new SummaryDocument(texts, ordered[0].LocalDate, ordered[^1].LocalDate, themes, nextSteps);
    }

    private static SummaryReflection ToReflection(ReflectionEntry entry, SummaryTexts texts, ILookup<long, string>? comments) =>
        new(entry.LocalDate, entry.Text.Trim(), entry.Prompt.Trim(), entry.MadeUp == (int)AnswerTiming.MadeUp, comments?[entry.Id].ToList() ?? [])
        {
            MediaLine = (ReflectionKind)entry.Kind switch
            {
                ReflectionKind.Photo => texts.Photo,
                ReflectionKind.Voice => string.Format(System.Globalization.CultureInfo.InvariantCulture, texts.Voice, ReflectionContent.Length(entry.DurationSeconds ?? 0)),
                _ => null,
            },
            PhotoFileId = entry.Kind == (int)ReflectionKind.Photo ? entry.FileId : null,
        };

    // The Telegram file ids of the photos in the document, to fetch before it is rendered.
    public IEnumerable<string> PhotoFileIds =>
        Themes.SelectMany(t => t.Quotations).SelectMany(q => q.Reflections).Concat(NextSteps)
            .Select(r => r.PhotoFileId).OfType<string>().Distinct(StringComparer.Ordinal);

    // The date a reflection is printed under, marked where it was a make-up day.
    public string DateLabel(SummaryReflection reflection) => Date(reflection.Date) + (reflection.MadeUp ? Texts.MadeUp : "");
}

internal sealed record SummaryTheme(string Name, IReadOnlyList<SummaryQuotation> Quotations);

internal sealed record SummaryQuotation(string Quote, string Source, IReadOnlyList<SummaryReflection> Reflections);

// A photo or voice answer has a MediaLine ("photo", "voice 0:45") and its caption as Text; a
// photo's file is fetched by PhotoFileId and placed in the Word document.
internal sealed record SummaryReflection(DateOnly Date, string Text, string Prompt, bool MadeUp = false, IReadOnlyList<string>? Comments = null)
{
    public string? MediaLine { get; init; }
    public string? PhotoFileId { get; init; }
}

// The document's own words, in the learner's language; Period has {0} and {1} for the first and last date.
// MadeUp follows a make-up day's date; CommentPrefix opens an organizer's comment. Photo names a
// photo answer, Voice a voice answer ({0}: its length), PhotoMissing a photo that could not be
// fetched into the document.
internal sealed record SummaryTexts(string Language, string Title, string Period, string SourcePrefix, string NextSteps, string NoNextSteps, string MadeUp = "", string CommentPrefix = "")
{
    public string Photo { get; init; } = "photo";
    public string Voice { get; init; } = "voice {0}";
    public string PhotoMissing { get; init; } = "";
}

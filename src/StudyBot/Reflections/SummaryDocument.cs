namespace StudyBot.Reflections;

// A learner's study summary, as data: sections, each quotation followed by the learner's
// reflections on it, then the next steps. /export builds it (Build: one section per theme, the
// reflections on what the learner will do as next steps); the web app's composer builds it from
// the learner's draft (Compose: numbered insights, their own words around them). SummaryMarkdown
// and SummaryDocx render both; neither decides content.
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

    // A composed summary's own words: the opening under the period, the next steps as written
    // (printed before any next-step reflections), the closing at the end. Null where not written.
    public string? Opening { get; init; }
    public string? WrittenNextSteps { get; init; }
    public string? Closing { get; init; }

    // The name the downloads and /export's files carry.
    public string FileName => "study-summary-" + Date(Last);

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

    // The learner's insights in their order, numbered, each of the chosen reflections in the chosen
    // order. A reflection opens with its quotation wherever the quotation changes, so the order the
    // learner chose is kept exactly. Ids not among the entries are left out. The period is that of
    // the chosen reflections (of all of them while none is chosen); null without any reflection.
    public static SummaryDocument? Compose(IReadOnlyList<ReflectionEntry> entries, IEnumerable<ComposedInsight> insights, SummaryTexts texts, ILookup<long, string>? comments = null)
    {
        var byId = entries.ToDictionary(e => e.Id);
        var sections = insights.Select((insight, index) =>
        {
            var chosen = insight.ReflectionIds.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
            var quotations = new List<SummaryQuotation>();
            foreach (var entry in chosen)
            {
                var reflection = ToReflection(entry, texts, comments);
                if (quotations.Count > 0 && quotations[^1].Quote == entry.Quote.Trim() && quotations[^1].Source == entry.Source.Trim())
                {
                    quotations[^1] = quotations[^1] with { Reflections = [.. quotations[^1].Reflections, reflection] };
                }
                else
                {
                    quotations.Add(new SummaryQuotation(entry.Quote.Trim(), entry.Source.Trim(), [reflection]));
                }
            }

            return new SummaryTheme(insight.Title.Trim(), quotations) { Number = index + 1 };
        }).ToList();
        var dates = sections.SelectMany(s => s.Quotations).SelectMany(q => q.Reflections).Select(r => r.Date).ToList();
        if (dates.Count == 0)
        {
            dates = [.. entries.Select(e => e.LocalDate)];
        }

        return dates.Count == 0 ? null : new SummaryDocument(texts, dates.Min(), dates.Max(), sections, []);
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

// Number: a composed insight's place, printed before its name ("2. 为民之道"); null for a theme.
internal sealed record SummaryTheme(string Name, IReadOnlyList<SummaryQuotation> Quotations)
{
    public int? Number { get; init; }

    public string Heading => Number is not { } number ? Name
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{number}. {Name}").TrimEnd();
}

// One insight of a composed summary: its title and the ids of the reflections that make it.
internal sealed record ComposedInsight(string Title, IReadOnlyList<long> ReflectionIds);

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

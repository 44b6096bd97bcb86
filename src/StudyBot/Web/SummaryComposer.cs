using StudyBot.Reflections;
using StudyBot.Wall;

namespace StudyBot.Web;

// The learner's summary composer in the web app: the draft (saved, or a starting one suggested
// from the journal), its checks, and the document it makes, through the same SummaryDocument,
// SummaryDocx and SummaryMarkdown as /export.
internal sealed class SummaryComposer(ReflectionStore reflections, WallStore wall, SummaryDrafts drafts, SummaryWords words, WebUsers users)
{
    public const int MaxInsights = 30;
    public const int MaxTitleLength = 200;

    // Several pages of writing; a bound, not a style guide.
    public const int MaxTextLength = 20_000;

    public async Task<SummaryComposerResponse> GetAsync(WebCaller caller, CancellationToken cancellationToken)
    {
        var me = await users.WriterAsync(caller, cancellationToken);
        var entries = await reflections.ListAllAsync(caller.UserId, cancellationToken);
        var saved = await drafts.GetAsync(caller.UserId, cancellationToken);
        var draft = saved?.Draft ?? StartingDraft(entries, words.DefaultTitle(me.Language, me.Name));
        return new SummaryComposerResponse(saved?.Version ?? 0, saved is not null, draft, [.. entries.Select(Material)]);
    }

    // Null when the draft may be saved; else why not. A field left out counts as empty.
    public async Task<string?> RefusalAsync(long chatId, SummarySave? save, CancellationToken cancellationToken)
    {
        if (save?.Draft is not { } draft)
        {
            return "no draft";
        }

        if (save.Version < 0)
        {
            return "version must be 0 or more";
        }

        var insights = draft.Insights ?? [];
        var tooLong = new[] { ("the title", draft.Title, MaxTitleLength), ("the opening", draft.Opening, MaxTextLength), ("the next steps", draft.NextSteps, MaxTextLength), ("the closing", draft.Closing, MaxTextLength) }
            .Concat(insights.Select((insight, i) => ($"the title of insight {i + 1}", insight.Title, MaxTitleLength)))
            .FirstOrDefault(field => field.Item2?.Length > field.Item3);
        if (tooLong.Item1 is { } name)
        {
            return $"{name} is longer than {tooLong.Item3} characters";
        }

        if (insights.Count > MaxInsights)
        {
            return $"a summary has at most {MaxInsights} insights";
        }

        var own = (await reflections.ListAllAsync(chatId, cancellationToken)).Select(e => e.Id).ToHashSet();
        var placed = new HashSet<long>();
        foreach (var (insight, index) in insights.Select((insight, index) => (insight, index)))
        {
            foreach (var id in insight.ReflectionIds ?? [])
            {
                if (!own.Contains(id))
                {
                    return $"insight {index + 1}: reflection {id} is not in your journal";
                }

                if (!placed.Add(id))
                {
                    return $"reflection {id} is in more than one place";
                }
            }
        }

        return null;
    }

    // The new version, or null when the saved draft has moved on since the page's version.
    public Task<int?> SaveAsync(long chatId, SummarySave save, CancellationToken cancellationToken) =>
        drafts.SaveAsync(chatId, save.Version, save.Draft!, cancellationToken);

    // The summary as it will print: the saved draft, or the starting one. Null while the learner
    // has no reflection at all.
    public async Task<SummaryDocument?> DocumentAsync(WebCaller caller, CancellationToken cancellationToken)
    {
        var me = await users.WriterAsync(caller, cancellationToken);
        var entries = await reflections.ListAllAsync(caller.UserId, cancellationToken);
        var defaultTitle = words.DefaultTitle(me.Language, me.Name);
        var draft = (await drafts.GetAsync(caller.UserId, cancellationToken))?.Draft ?? StartingDraft(entries, defaultTitle);
        var texts = words.For(me.Language, Written(draft.Title) ?? defaultTitle) with { NoNextSteps = words.NoWrittenNextSteps(me.Language) };
        var comments = await wall.CommentsOnAsync([.. entries.Select(e => e.Id)], cancellationToken);
        var insights = (draft.Insights ?? []).Select(i => new ComposedInsight(i.Title ?? "", i.ReflectionIds ?? []));
        if (SummaryDocument.Compose(entries, insights, texts, comments) is not { } document)
        {
            return null;
        }

        return document with
        {
            CourseLine = await words.CourseLineAsync(me.GroupId, me.Language, cancellationToken),
            Opening = Written(draft.Opening),
            WrittenNextSteps = Written(draft.NextSteps),
            Closing = Written(draft.Closing),
        };
    }

    public static SummaryPreview Preview(SummaryDocument document) => new(
        document.Texts.Title,
        document.CourseLine,
        document.PeriodLine,
        document.Opening,
        [.. document.Themes.Select(insight => new PreviewInsight(
            insight.Heading,
            [.. insight.Quotations.Select(quotation => new PreviewQuotation(
                quotation.Quote,
                document.Texts.SourcePrefix + quotation.Source,
                [.. quotation.Reflections.Select(r => new PreviewReflection(document.DateLabel(r), r.MediaLine, r.Text, r.Comments ?? []))]))]))],
        document.Texts.NextSteps,
        document.WrittenNextSteps ?? document.Texts.NoNextSteps,
        document.Closing);

    // One insight per theme, titled with the theme (「为民之道」), its reflections in date order; the
    // answers on what the learner will do are material for the next steps, not an insight.
    private static SummaryDraft StartingDraft(IReadOnlyList<ReflectionEntry> entries, string title) => new(
        title,
        "",
        [.. entries.Where(e => !e.Intention)
            .GroupBy(e => e.Theme.Trim(), StringComparer.Ordinal)
            .Select(theme => new SummaryInsight(theme.Key, [.. theme.Select(e => e.Id)]))],
        "",
        "");

    private static SummaryMaterial Material(ReflectionEntry entry) =>
        new(entry.Id, entry.LocalDate, entry.Theme, entry.Quote, entry.Source, entry.Prompt, entry.Text, Journal.KindName((ReflectionKind)entry.Kind), entry.DurationSeconds, entry.Intention);

    private static string? Written(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

// Version: the draft's saves so far (0: none yet, this is the starting draft); Reflections: every
// reflection of the learner, to choose from (Intention: an answer on what they will do).
internal sealed record SummaryComposerResponse(int Version, bool Saved, SummaryDraft Draft, IReadOnlyList<SummaryMaterial> Reflections);

// Stored as summary_drafts.document, and sent and received by the page as it is.
internal sealed record SummaryDraft(string? Title, string? Opening, IReadOnlyList<SummaryInsight>? Insights, string? NextSteps, string? Closing);

internal sealed record SummaryInsight(string? Title, IReadOnlyList<long>? ReflectionIds);

internal sealed record SummaryMaterial(long Id, DateOnly Date, string Theme, string Quote, string Source, string Prompt, string Text, string Kind, int? DurationSeconds, bool Intention);

// Version: the one the page's draft started from.
internal sealed record SummarySave(int Version, SummaryDraft? Draft);

internal sealed record SummarySaved(int Version);

// The document as it will print, every text as plain text for the page to show as such.
internal sealed record SummaryPreview(string Title, string? Course, string Period, string? Opening, IReadOnlyList<PreviewInsight> Insights, string NextStepsHeading, string NextSteps, string? Closing);

internal sealed record PreviewInsight(string Heading, IReadOnlyList<PreviewQuotation> Quotations);

internal sealed record PreviewQuotation(string Quote, string Source, IReadOnlyList<PreviewReflection> Reflections);

internal sealed record PreviewReflection(string Date, string? Media, string Text, IReadOnlyList<string> Comments);

using System.Globalization;
using StudyBot.Audit;
using StudyBot.Localization;
using StudyBot.Outbox;
using StudyBot.Reflections;

namespace StudyBot.Wall;

// What an organizer does to a shared reflection, from /wall's buttons or the web app's wall: the
// same points, the same notice to the author through the outbox. authorLanguageFallback: the
// language of the author's notice when the author's own is not known.
internal sealed class WallActions(WallStore wall, OutboxSender outbox, Points points, AuditLog audit, Texts texts)
{
    private const int QuoteLimit = 200;

    // What fits one message to the author beside the quote and the words around it.
    public const int MaxCommentLength = 3000;

    /// <returns>true the first time.</returns>
    public async Task<bool> FeatureAsync(long organizerId, WallReflection reflection, string authorLanguageFallback, CancellationToken cancellationToken)
    {
        // The points every time (they count once): a retry after the feature committed still awards them.
        var notice = OutboxMessage.LearnerNotice(reflection.AuthorChatId, texts.Get(AuthorLanguage(reflection, authorLanguageFallback), "FeaturedToAuthor", IsoDate.Format(reflection.LocalDate)));
        var first = await wall.FeatureAsync(reflection.Id, notice, cancellationToken);
        await points.AwardAsync(reflection.Id, Points.Featured, Points.ForFeatured, cancellationToken);
        if (first)
        {
            outbox.Wake();
            await audit.WriteAsync(organizerId, AuditLog.Actions.Featured, $"#{reflection.Id}", cancellationToken);
        }

        return first;
    }

    public static bool IsTooLong(string comment) => new StringInfo(comment).LengthInTextElements > MaxCommentLength;

    // The author's message: the comment with a quote of the reflection it is about.
    public OutboxMessage CommentNotice(WallReflection reflection, string comment, string authorLanguageFallback)
    {
        var language = AuthorLanguage(reflection, authorLanguageFallback);
        var quote = TextCut.Shorten(reflection.Describe(texts, language), QuoteLimit);
        return OutboxMessage.LearnerNotice(reflection.AuthorChatId, texts.Get(language, "CommentToAuthor", IsoDate.Format(reflection.LocalDate), quote, comment));
    }

    // A comment written in one go (the web app), saved and sent to the author.
    public async Task CommentAsync(long organizerId, WallReflection reflection, string comment, string authorLanguageFallback, CancellationToken cancellationToken)
    {
        await wall.AddCommentAsync(organizerId, reflection.Id, comment, CommentNotice(reflection, comment, authorLanguageFallback), cancellationToken);
        outbox.Wake();
    }

    private static string AuthorLanguage(WallReflection reflection, string fallback) => reflection.AuthorLanguage.Length > 0 ? reflection.AuthorLanguage : fallback;
}

using System.Globalization;
using StudyBot.Localization;
using Telegram.Bot.Types;

namespace StudyBot.Reflections;

// Stored as reflections.kind.
internal enum ReflectionKind
{
    Text = 0,

    // A photo (of handwritten notes, a page); its caption is the reflection's text.
    Photo = 1,

    // A voice message; its length is kept, its caption (rarely given) is the text.
    Voice = 2,
}

// What a message gives as a reflection. A photo or voice answer keeps only Telegram's file id:
// the file stays on Telegram's servers and is fetched when a document needs it.
internal sealed record ReflectionContent(ReflectionKind Kind, string Text, string? FileId = null, int? DurationSeconds = null)
{
    // The largest file the Bot API lets a bot download.
    public const int MaxDownloadBytes = 20 * 1024 * 1024;

    // Null for anything that is not an answer (a sticker, a poll, a document...).
    public static ReflectionContent? Of(Message message) => message switch
    {
        { Text: { } text } => new(ReflectionKind.Text, text),
        { Photo: { Length: > 0 } sizes } when LargestDownloadable(sizes) is { } size => new(ReflectionKind.Photo, message.Caption ?? "", size.FileId),
        { Voice: { } voice } => new(ReflectionKind.Voice, message.Caption ?? "", voice.FileId, voice.Duration),
        _ => null,
    };

    // Telegram lists a photo's sizes from the smallest; the largest the bot may download goes into
    // documents. A size whose file size is not given is taken at its word.
    private static PhotoSize? LargestDownloadable(PhotoSize[] sizes) =>
        sizes.Where(s => s.FileSize is null or <= MaxDownloadBytes).MaxBy(s => (long)s.Width * s.Height);

    // How a reflection reads where only text fits (/history, the wall, a comment's quote, exports):
    // a photo as "photo: caption", a voice answer as "voice 0:45".
    public static string Describe(Texts texts, string language, int kind, string text, int? durationSeconds) => (ReflectionKind)kind switch
    {
        ReflectionKind.Photo => text.Length == 0 ? texts.Get(language, "PhotoAnswer") : texts.Get(language, "PhotoAnswerCaptioned", text),
        ReflectionKind.Voice => text.Length == 0
            ? texts.Get(language, "VoiceAnswer", Length(durationSeconds ?? 0))
            : texts.Get(language, "VoiceAnswerCaptioned", Length(durationSeconds ?? 0), text),
        _ => text,
    };

    // m:ss, as Telegram shows a voice message's length.
    public static string Length(int seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:00}");
}

// A stored reflection's answer as any query returns it (r.kind, r.text, r.duration_seconds).
internal interface IReflectionBody
{
    int Kind { get; }
    string Text { get; }
    int? DurationSeconds { get; }
}

internal static class ReflectionBodies
{
    public static string Describe(this IReflectionBody body, Texts texts, string language) =>
        ReflectionContent.Describe(texts, language, body.Kind, body.Text, body.DurationSeconds);
}

using System.Text.Json.Serialization;

namespace StudyBot.Web;

// Source-generated JSON for the web app's API (no reflection: fit for the native build).
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(MiniAppUser))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(JournalResponse))]
[JsonSerializable(typeof(JournalEdit))]
[JsonSerializable(typeof(WebError))]
[JsonSerializable(typeof(SummaryComposerResponse))]
[JsonSerializable(typeof(SummarySave))]
[JsonSerializable(typeof(SummarySaved))]
[JsonSerializable(typeof(SummaryPreview))]
internal sealed partial class WebJson : JsonSerializerContext;

// The `user` field of Mini App init data, in Telegram's names.
internal sealed class MiniAppUser
{
    [JsonPropertyName("id")]
    public long Id { get; set; }

    [JsonPropertyName("first_name")]
    public string? FirstName { get; set; }

    [JsonPropertyName("last_name")]
    public string? LastName { get; set; }

    [JsonPropertyName("username")]
    public string? Username { get; set; }

    [JsonPropertyName("language_code")]
    public string? LanguageCode { get; set; }

    public string? DisplayName =>
        string.Join(' ', new[] { FirstName, LastName }.Where(n => !string.IsNullOrWhiteSpace(n))) is { Length: > 0 } name ? name : Username;
}

// Role: learner, organizer or owner. SignedInWith: telegram (init data) or browser (the /web
// cookie); CsrfToken: for a browser session, the header every change must carry.
internal sealed record MeResponse(long Id, string Name, string Language, string Role, GroupRef? Group, IReadOnlyList<GroupRef> Organizes, string SignedInWith, string? CsrfToken);

internal sealed record GroupRef(long Id, string Name);

internal sealed record SignInRequest(string? Token);

// Themes and Months: every one in the learner's journal, whatever the filter, for choosing one.
internal sealed record JournalResponse(IReadOnlyList<JournalEntry> Entries, IReadOnlyList<string> Themes, IReadOnlyList<string> Months);

// Timing: onTime, madeUp or late (AnswerTiming). Kind: text, photo (Text is its caption) or voice
// (with its length).
internal sealed record JournalEntry(long Id, DateOnly Date, string Theme, string Quote, string Source, string Prompt, string Text, string Timing, bool Shared, bool Edited, IReadOnlyList<string> Comments, string Kind, int? DurationSeconds);

internal sealed record JournalEdit(string? Text);

internal sealed record WebError(string Error);

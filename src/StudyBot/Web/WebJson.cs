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
[JsonSerializable(typeof(GroupsResponse))]
[JsonSerializable(typeof(DashboardResponse))]
[JsonSerializable(typeof(NudgeRequest))]
[JsonSerializable(typeof(NudgeResponse))]
[JsonSerializable(typeof(WallResponse))]
[JsonSerializable(typeof(FeatureResponse))]
[JsonSerializable(typeof(CommentRequest))]
[JsonSerializable(typeof(WebRefusal))]
[JsonSerializable(typeof(GroupSettingsResponse))]
[JsonSerializable(typeof(GroupSettingsRequest))]
[JsonSerializable(typeof(BroadcastText))]
[JsonSerializable(typeof(BroadcastPreviewResponse))]
[JsonSerializable(typeof(BroadcastConfirmResponse))]
[JsonSerializable(typeof(BroadcastProgressResponse))]
[JsonSerializable(typeof(PackCheckResponse))]
[JsonSerializable(typeof(PackImportResponse))]
[JsonSerializable(typeof(DownloadRequest))]
[JsonSerializable(typeof(DownloadLink))]
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

internal sealed record GroupsResponse(IReadOnlyList<GroupRef> Groups);

// Today: the group's, in its time zone. Completion: per day of the range, the members with a
// prompt to answer (Due) and those who answered it, as /report's chart counts them.
internal sealed record DashboardResponse(GroupRef Group, DateOnly Today, DateOnly From, DateOnly To, IReadOnlyList<DashboardMember> Members, IReadOnlyList<StudyBot.Reports.DayCompletion> Completion, IReadOnlyList<UnansweredMember> Unanswered);

// Marks: one letter per day of the range (Dashboard.Marks): o on time, m made up, x missed,
// n no study day, '.' nothing to mark.
internal sealed record DashboardMember(long Id, string Name, string? Username, string Marks, int OnTime, int MadeUp, int Missed);

// Nudged: already reminded today (by /remind, the dashboard or the automatic reminder).
internal sealed record UnansweredMember(long Id, string Name, bool Nudged);

// MemberIds: those to nudge; absent: everyone who has not answered today.
internal sealed record NudgeRequest(IReadOnlyList<long>? MemberIds);

internal sealed record NudgeResponse(int Nudged);

internal sealed record WallResponse(DateOnly Day, IReadOnlyList<WallItem> Entries);

// Kind: text, photo (Text is its caption) or voice, as in the journal.
internal sealed record WallItem(long Id, string Author, string Text, string Kind, int? DurationSeconds, bool Featured, IReadOnlyList<string> Comments);

// First: false when it was featured already (nothing sent again).
internal sealed record FeatureResponse(bool First);

internal sealed record CommentRequest(string? Text);

// A change refused whole, in the words the chat would use: Error the one message, Problems each
// problem found.
internal sealed record WebRefusal(string Error, IReadOnlyList<string> Problems);

// Settings: every /groupset key with its value as /groupset takes it (GroupSettings.Values);
// Packs: the names `pack` may take in this group.
internal sealed record GroupSettingsResponse(GroupRef Group, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> Packs);

// Settings: the keys to change and their new values, as /groupset takes them; the others stay.
internal sealed record GroupSettingsRequest(IReadOnlyDictionary<string, string?>? Settings);

internal sealed record BroadcastText(string? Text);

// PreviewId: the draft, which the confirm names; Text: exactly what each member will receive.
internal sealed record BroadcastPreviewResponse(long PreviewId, string Text, long Recipients, long LinkedChats);

// ConfirmedNow: false for a confirm of a broadcast confirmed already (a replay): nothing more sent.
internal sealed record BroadcastConfirmResponse(bool ConfirmedNow, BroadcastProgressResponse Progress);

// Status: draft, sending, done or cancelled; the counts are of the members' copies (not the
// linked chats'), Pending those still to send.
internal sealed record BroadcastProgressResponse(long Id, string Status, int Total, long Delivered, long Blocked, long Failed, long Pending, bool Finished);

// A pack file read and valid, nothing imported: its name, language, start, item count, first items.
internal sealed record PackCheckResponse(string Pack, string Language, DateOnly Start, int Items, IReadOnlyList<PackItemView> FirstItems);

internal sealed record PackItemView(string Theme, string Quote, string Source, string Prompt, DateOnly? Date);

// Message: the chat's own answer to the same file.
internal sealed record PackImportResponse(string Pack, int ItemsAdded, int ItemsReplaced, bool Activated, string Message);
// Path: a download route with its query, as /app/api/groups/7/report.xlsx?from=2026-12-01.
internal sealed record DownloadRequest(string? Path);

// Url: absolute, single use, for ExpiresInSeconds.
internal sealed record DownloadLink(string Url, int ExpiresInSeconds);

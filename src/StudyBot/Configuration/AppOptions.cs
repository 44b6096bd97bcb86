namespace StudyBot.Configuration;

internal sealed class AppOptions
{
    public const string Section = "App";

    // The public https address of the web app (what Telegram opens and /web links to), for example
    // https://bot.example.org/app/. The bot serves it under /app; a proxy may map another path to it.
    // Unset: no web app, and /app and /web say so.
    public string? PublicUrl { get; set; }

    public bool IsSetUp => !string.IsNullOrWhiteSpace(PublicUrl);

    // With the closing slash: the page's own addresses (app.js, api/me) are relative to it.
    public string WebAppUrl => PublicUrl is { } url ? url.TrimEnd('/') + "/" : throw new InvalidOperationException("App:PublicUrl is not set");
}

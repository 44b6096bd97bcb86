using Microsoft.Extensions.Options;
using StudyBot.Learners;
using StudyBot.Localization;

namespace StudyBot.Configuration;

internal sealed class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.BotToken))
        {
            errors.Add("Telegram:BotToken is missing: set it (for example Telegram__BotToken=123456:ABC...) to the token @BotFather gave you");
        }
        else if (!LooksLikeToken(options.BotToken))
        {
            errors.Add("Telegram:BotToken is not a bot token: it must look like 123456:ABC... (the value is not shown)");
        }

        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"Telegram:ApiBaseUrl: '{options.ApiBaseUrl}' is not an http(s) address");
        }

        var ceiling = options.PaidBroadcast ? 1000 : 30;
        if (options.MaxMessagesPerSecond < 1 || options.MaxMessagesPerSecond > ceiling)
        {
            errors.Add($"Telegram:MaxMessagesPerSecond: {options.MaxMessagesPerSecond} is outside 1..{ceiling}" + (options.PaidBroadcast ? "" : " (up to 1000 with Telegram:PaidBroadcast=true)"));
        }

        if (options.Mode == TelegramMode.Webhook)
        {
            if (!Uri.TryCreate(options.WebhookUrl, UriKind.Absolute, out var hook) || hook.Scheme != Uri.UriSchemeHttps)
            {
                errors.Add("Telegram:WebhookUrl must be a public https address in Webhook mode");
            }

            if (string.IsNullOrWhiteSpace(options.WebhookSecret))
            {
                errors.Add("Telegram:WebhookSecret is required in Webhook mode");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool LooksLikeToken(string token)
    {
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && token[..colon].All(char.IsAsciiDigit) && colon < token.Length - 1 && !token.Any(char.IsWhiteSpace);
    }
}

internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString) ? ValidateOptionsResult.Fail("Database:ConnectionString is empty")
        : !Enum.IsDefined(options.Provider) ? ValidateOptionsResult.Fail($"Database:Provider: '{options.Provider}' is neither Sqlite nor Postgres")
        : options.Provider == DatabaseProvider.Postgres && options.ConnectionString.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Fail("Database:ConnectionString: Provider is Postgres but the connection string is SQLite's (Data Source=...); give Host=...;Database=...;Username=...")
        : ValidateOptionsResult.Success;
}

internal sealed class BotOptionsValidator : IValidateOptions<BotOptions>
{
    public ValidateOptionsResult Validate(string? name, BotOptions options)
    {
        var errors = new List<string>();
        if (!TimeZones.TryFind(options.TimeZone, out _))
        {
            errors.Add($"Bot:TimeZone: '{options.TimeZone}' is not an IANA time zone");
        }

        if (!TimeOfDay.TryParse(options.DeliveryTime, out _))
        {
            errors.Add($"Bot:DeliveryTime: '{options.DeliveryTime}' is not a time of day as HH:MM");
        }

        if (!string.IsNullOrWhiteSpace(options.ReminderTime) && !TimeOfDay.TryParse(options.ReminderTime, out _))
        {
            errors.Add($"Bot:ReminderTime: '{options.ReminderTime}' is not a time of day as HH:MM (leave it unset for no automatic reminder)");
        }

        if (!Languages.IsSupported(options.Language))
        {
            errors.Add($"Bot:Language: '{options.Language}' is not one of {string.Join(", ", Languages.Supported)}");
        }

        if (options.SweepIntervalSeconds is < 1 or > 300)
        {
            errors.Add($"Bot:SweepIntervalSeconds: {options.SweepIntervalSeconds} is outside 1..300");
        }

        if (options.UpdateConcurrency is < 1 or > 4096)
        {
            errors.Add($"Bot:UpdateConcurrency: {options.UpdateConcurrency} is outside 1..4096");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    // A bearer token is the only lock on /metrics from outside the allowed networks.
    public const int MinTokenLength = 16;

    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < (options.AllowedNetworks?.Length ?? 0); i++)
        {
            var entry = options.AllowedNetworks![i];
            if (!MetricsOptions.TryParseNetwork(entry, out _))
            {
                errors.Add($"Metrics:AllowedNetworks:{i}: '{entry}' is not a network as address/prefix (10.0.0.0/8, fd00::/8) or one address");
            }
        }

        if (options.HasToken && (options.Token!.Length < MinTokenLength || options.Token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            errors.Add($"Metrics:Token must be at least {MinTokenLength} characters without spaces (the value is not shown); leave it unset for no token");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class AppOptionsValidator : IValidateOptions<AppOptions>
{
    // Telegram opens Mini Apps only over https, and the session cookie is Secure.
    public ValidateOptionsResult Validate(string? name, AppOptions options) =>
        !options.IsSetUp ? ValidateOptionsResult.Success
        : !Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps
            ? ValidateOptionsResult.Fail($"App:PublicUrl: '{options.PublicUrl}' is not an https address (for example https://bot.example.org/app/); leave it unset for no web app")
        : url.Query.Length > 0 || url.Fragment.Length > 0
            ? ValidateOptionsResult.Fail($"App:PublicUrl: '{options.PublicUrl}' has a query or fragment; give the web app's address alone")
        : ValidateOptionsResult.Success;
}

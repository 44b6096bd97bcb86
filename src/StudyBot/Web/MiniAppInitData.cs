using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;

namespace StudyBot.Web;

// The Mini App's init data, checked as Telegram documents it ("Validating data received via the
// Mini App"): the fields but `hash`, URL-decoded, sorted by key and joined as key=value lines, are
// signed with HMAC-SHA256 under the key HMAC-SHA256("WebAppData", bot token). Telegram.Bot's own
// AuthHelpers compares the hash with a plain string comparison and ignores auth_date, hence this.
internal sealed class MiniAppInitData(IOptions<TelegramOptions> telegram, TimeProvider time)
{
    // Telegram's advice: refuse old init data, so a copy that leaked cannot sign in for long.
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    // A client clock a little ahead of ours is not an attack.
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    private readonly byte[] secretKey = HMACSHA256.HashData("WebAppData"u8, Encoding.UTF8.GetBytes(telegram.Value.BotToken));

    public InitDataCheck Check(string initData)
    {
        var fields = QueryHelpers.ParseQuery(initData);
        if (fields.Any(f => f.Value.Count != 1))
        {
            return InitDataCheck.Refused("a field is repeated");
        }

        if (!fields.TryGetValue("hash", out var hash) || hash.ToString() is not { Length: 64 } hashHex)
        {
            return InitDataCheck.Refused("no hash");
        }

        var checkString = string.Join('\n', fields.Where(f => f.Key != "hash").OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"));
        var expected = HMACSHA256.HashData(secretKey, Encoding.UTF8.GetBytes(checkString));
        byte[] given;
        try
        {
            given = Convert.FromHexString(hashHex);
        }
        catch (FormatException)
        {
            return InitDataCheck.Refused("the hash is not hex");
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return InitDataCheck.Refused("the hash does not match");
        }

        if (!fields.TryGetValue("auth_date", out var authDate) || !long.TryParse(authDate, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return InitDataCheck.Refused("no auth_date");
        }

        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, 253402300799));
        if (age > MaxAge || age < -Skew)
        {
            return InitDataCheck.Refused("auth_date is not fresh");
        }

        MiniAppUser? user = null;
        try
        {
            if (fields.TryGetValue("user", out var userJson))
            {
                user = JsonSerializer.Deserialize(userJson.ToString(), WebJson.Default.MiniAppUser);
            }
        }
        catch (JsonException)
        {
        }

        return user is { Id: > 0 } ? new InitDataCheck(user, null) : InitDataCheck.Refused("no user");
    }
}

// User: the signed-in Telegram user; Refusal: why not, for the log.
internal sealed record InitDataCheck(MiniAppUser? User, string? Refusal)
{
    public static InitDataCheck Refused(string why) => new(null, why);
}

using System.Net;

namespace StudyBot.Configuration;

internal sealed class MetricsOptions
{
    public const string Section = "Metrics";

    // The addresses and networks a scraper may come from. Unset means DefaultNetworks. Not given a
    // default here: the configuration binder adds an array's configured items to its initial ones,
    // so a default could never be narrowed.
    public string[]? AllowedNetworks { get; set; }

    // With a token, a scraper outside those networks gets in with Authorization: Bearer <token>.
    public string? Token { get; set; }

    // Loopback and the private ranges: where a Prometheus on the same host or network scrapes from.
    public static readonly IReadOnlyList<string> DefaultNetworks =
        ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];

    public IReadOnlyList<string> EffectiveNetworks => AllowedNetworks is { Length: > 0 } networks ? networks : DefaultNetworks;

    public bool HasToken => !string.IsNullOrEmpty(Token);

    // A CIDR network (10.0.0.0/8, fd00::/8) or one address (192.168.1.20).
    public static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        var trimmed = text?.Trim();
        if (IPNetwork.TryParse(trimmed, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(trimmed, out var address) && !trimmed.Contains('/', StringComparison.Ordinal))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }
}

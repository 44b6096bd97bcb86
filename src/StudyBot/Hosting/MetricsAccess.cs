using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;

namespace StudyBot.Hosting;

// Who may read /metrics: a client in Metrics:AllowedNetworks, or anyone with Metrics:Token as a
// bearer token. The address is the connection's own: forwarded headers are not read, so a proxy on
// the same host that passes /metrics on makes every client look local (proxy the webhook path only).
internal sealed class MetricsAccess(IOptions<MetricsOptions> options)
{
    private readonly IPNetwork[] networks = options.Value.EffectiveNetworks
        .Select(text => MetricsOptions.TryParseNetwork(text, out var network) ? network : throw new InvalidOperationException($"Metrics:AllowedNetworks: '{text}' was not validated"))
        .ToArray();

    private readonly byte[]? token = options.Value.HasToken ? Encoding.UTF8.GetBytes(options.Value.Token!) : null;

    public bool Allows(HttpContext context) => FromAllowedNetwork(context.Connection.RemoteIpAddress) || HasToken(context.Request.Headers.Authorization.ToString());

    private bool FromAllowedNetwork(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        // A dual-stack socket shows an IPv4 client as ::ffff:a.b.c.d, which no IPv4 network contains.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return networks.Any(n => n.Contains(address));
    }

    // The scheme's name is case-insensitive (RFC 9110); the token is compared in constant time.
    private bool HasToken(string authorization) =>
        token is not null
        && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization["Bearer ".Length..].Trim()), token);
}

using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Hosting;

namespace StudyBot.Tests.Hosting;

// Who may read /metrics, decided on the connection's address and the Authorization header. The
// end-to-end test (HealthAndMetricsTests) can only come from loopback; these cover the rest.
public sealed class MetricsAccessTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.9", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("192.168.1.20", true)]
    [InlineData("fd12:3456::1", true)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("2001:db8::1", false)]
    public void By_default_loopback_and_the_private_ranges_may_scrape(string address, bool allowed) =>
        Assert.Equal(allowed, Access(new MetricsOptions()).Allows(Request(address)));

    [Fact]
    public void Configured_networks_replace_the_defaults_and_a_single_address_is_a_network()
    {
        // Bits after the prefix are dropped, as the runtime's parser does: 203.0.113.9/24 is 203.0.113.0/24.
        var access = Access(new MetricsOptions { AllowedNetworks = ["203.0.113.9/24", "198.51.100.7"] });

        Assert.True(access.Allows(Request("203.0.113.200")));
        Assert.True(access.Allows(Request("198.51.100.7")));
        Assert.False(access.Allows(Request("198.51.100.8")));
        Assert.False(access.Allows(Request("127.0.0.1")));
    }

    [Theory]
    [InlineData("Bearer 0123456789abcdef-token", true)]
    [InlineData("bearer 0123456789abcdef-token", true)]
    [InlineData("Bearer 0123456789abcdef-toke", false)]
    [InlineData("Basic 0123456789abcdef-token", false)]
    [InlineData("0123456789abcdef-token", false)]
    [InlineData("", false)]
    public void The_token_lets_in_any_address(string authorization, bool allowed)
    {
        var access = Access(new MetricsOptions { AllowedNetworks = ["10.0.0.0/8"], Token = "0123456789abcdef-token" });

        Assert.Equal(allowed, access.Allows(Request("8.8.8.8", authorization)));
    }

    [Fact]
    public void Without_a_token_a_bearer_header_opens_nothing() =>
        Assert.False(Access(new MetricsOptions { AllowedNetworks = ["10.0.0.0/8"] }).Allows(Request("8.8.8.8", "Bearer ")));

    private static MetricsAccess Access(MetricsOptions options) => new(Options.Create(options));

    private static DefaultHttpContext Request(string address, string authorization = "")
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (authorization.Length > 0)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context;
    }
}

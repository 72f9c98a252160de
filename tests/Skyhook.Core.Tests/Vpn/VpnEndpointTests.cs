using Skyhook.Core.Vpn;

namespace Skyhook.Core.Tests.Vpn;

public sealed class VpnEndpointTests
{
    [Theory]
    [InlineData("vpn.example.com", "vpn.example.com", 1194)]
    [InlineData("vpn.example.com:443", "vpn.example.com", 443)]
    [InlineData("198.51.100.1", "198.51.100.1", 1194)]
    [InlineData("198.51.100.1:8443", "198.51.100.1", 8443)]
    [InlineData("2001:db8::1", "2001:db8::1", 1194)]
    [InlineData("[2001:db8::1]", "2001:db8::1", 1194)]
    [InlineData("[2001:db8::1]:443", "2001:db8::1", 443)]
    public void TryParse_HostWithOrWithoutPort(string text, string host, int port)
    {
        Assert.True(VpnEndpoint.TryParse(text, 1194, out var endpoint, out var error), error);
        Assert.Equal(host, endpoint.Host);
        Assert.Equal(port, endpoint.Port);
    }

    [Theory]
    [InlineData("", "'' is not a host name")]
    [InlineData("vpn example.com", "is not a host name")]
    [InlineData("vpn.example.com:0", "'0' is not a port")]
    [InlineData("vpn.example.com:65536", "'65536' is not a port")]
    [InlineData("vpn.example.com:-1", "'-1' is not a port")]
    [InlineData("vpn.example.com:", "'' is not a port")]
    [InlineData("[2001:db8::1]443", "[address]:port")]
    [InlineData("[vpn.example.com]:443", "[address]:port")]
    [InlineData("[2001:db8::1", "[address]:port")]
    [InlineData("-vpn.example.com", "is not a host name")]
    [InlineData("vpn.example.com\n", "is not a host name")]
    public void TryParse_Malformed_SaysWhatIsWrong(string text, string expected)
    {
        Assert.False(VpnEndpoint.TryParse(text, 1194, out var endpoint, out var error));
        Assert.Null(endpoint);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}

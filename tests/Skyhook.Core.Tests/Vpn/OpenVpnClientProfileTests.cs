using Skyhook.Core.Identity;
using Skyhook.Core.Pki;
using Skyhook.Core.Vpn;

namespace Skyhook.Core.Tests.Vpn;

public sealed class OpenVpnClientProfileTests
{
    private static readonly string CaPem = CertificateAuthority.Create("Skyhook CA", TimeProvider.System).CertificatePem;

    [Fact]
    public void Render_TwoGatewaysOverUdp_ListsBothWithChallengeAndInlineCa()
    {
        var profile = OpenVpnClientProfile.Render(
            UserName.Parse("alice"), "default", VpnTransport.Udp,
            [new VpnEndpoint("198.51.100.11", 1194), new VpnEndpoint("vpn2.example.com", 1194)], CaPem);

        var lines = profile.Split('\n');
        Assert.Contains("proto udp", lines);
        Assert.Contains("remote 198.51.100.11 1194", lines);
        Assert.Contains("remote vpn2.example.com 1194", lines);
        Assert.Contains("remote-random", lines);
        Assert.Contains("explicit-exit-notify 1", lines);
        Assert.Contains("remote-cert-tls server", lines);
        Assert.Contains("auth-user-pass", lines);
        Assert.Contains("static-challenge \"One-time code\" 1", lines);
        Assert.Contains("<ca>\n" + CaPem.Trim() + "\n</ca>", profile);
        Assert.DoesNotContain("<cert>", profile);
        Assert.DoesNotContain("PRIVATE KEY", profile);
    }

    [Fact]
    public void Render_OneGatewayOverTcp_UsesTcpClientWithoutRemoteRandom()
    {
        var profile = OpenVpnClientProfile.Render(UserName.Parse("bob"), "lb", VpnTransport.Tcp, [new VpnEndpoint("lb.example.com", 443)], CaPem);

        var lines = profile.Split('\n');
        Assert.Contains("proto tcp-client", lines);
        Assert.Contains("remote lb.example.com 443", lines);
        Assert.DoesNotContain("remote-random", lines);
        // UDP only: over TCP the server sees the connection close.
        Assert.DoesNotContain("explicit-exit-notify 1", lines);
    }

    [Theory]
    [InlineData("host name")]
    [InlineData("evil\nup /bin/sh")]
    [InlineData("-bad.example")]
    [InlineData("a\"b")]
    [InlineData("")]
    public void VpnEndpoint_HostThatCouldInjectConfig_IsRefused(string host) =>
        Assert.Throws<ArgumentException>(() => new VpnEndpoint(host, 1194));

    [Theory]
    [InlineData(0)]
    [InlineData(70000)]
    public void VpnEndpoint_PortOutOfRange_IsRefused(int port) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new VpnEndpoint("vpn.example.com", port));

    [Fact]
    public void Render_GroupNameWithNewline_IsRefused() =>
        Assert.Throws<ArgumentException>(() => OpenVpnClientProfile.Render(
            UserName.Parse("alice"), "g\nscript-security 3", VpnTransport.Udp, [new VpnEndpoint("198.51.100.11", 1194)], CaPem));
}

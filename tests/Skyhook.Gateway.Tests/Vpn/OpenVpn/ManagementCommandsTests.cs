using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Tests.Vpn.OpenVpn;

public sealed class ManagementCommandsTests
{
    public static TheoryData<string> HostileTexts =>
    [
        "bob\"\nclient-kill 0",
        "\\nclient-kill 0",
        "evil\\",
        "evil\\\"",
        "\" \"",
        "a\r\nclient-auth-nt 0 0\r\nEND",
        "line\u2028separator\u0085next",
        "nul\0byte",
        "tab\there 'single' #hash ;semi",
        "",
    ];

    [Theory]
    [MemberData(nameof(HostileTexts))]
    public void ClientDeny_HostileReason_StaysOneQuotedParameterOnOneLine(string hostile)
    {
        var command = ManagementCommands.ClientDeny(7, 1, "user " + hostile + " denied", hostile);

        Assert.EndsWith("\n", command.Text);
        Assert.Single(command.Text.Split('\n'), part => part.Length > 0);
        Assert.DoesNotContain('\r', command.Text);
        Assert.All(command.Text.TrimEnd('\n'), c => Assert.InRange(c, ' ', '~'));
        var parameters = ConfigLexer.Split(command.Text.TrimEnd('\n'));
        Assert.Equal(5, parameters.Count);
        Assert.Equal(["client-deny", "7", "1"], parameters[..3]);
        Assert.Equal(ManagementQuoting.Clean("user " + hostile + " denied"), parameters[3]);
        Assert.Equal(ManagementQuoting.Clean(hostile), parameters[4]);
    }

    [Fact]
    public void Quote_BackslashAndQuote_AreEscaped()
    {
        Assert.Equal("\"a\\\\b\\\"c\"", ManagementQuoting.Quote("a\\b\"c"));
    }

    [Fact]
    public void Quote_LongText_IsCut()
    {
        Assert.Equal(ManagementQuoting.DefaultMaxLength + 2, ManagementQuoting.Quote(new string('x', 10_000)).Length);
    }

    [Fact]
    public void ClientDeny_WithoutClientReason_HasOneReason()
    {
        Assert.Equal("client-deny 3 0 \"wrong code\"\n", ManagementCommands.ClientDeny(3, 0, "wrong code").Text);
    }

    [Fact]
    public void ClientKill_AndAuthNt_AreSingleLines()
    {
        Assert.Equal("client-kill 18446744073709551615\n", ManagementCommands.ClientKill(ulong.MaxValue).Text);
        Assert.Equal("client-kill 4 HALT\n", ManagementCommands.ClientHalt(4).Text);
        Assert.Equal("client-auth-nt 1 2\n", ManagementCommands.ClientAuthNt(1, 2).Text);
    }

    [Fact]
    public void ClientAuth_FullDecision_RendersBlockAndMasksTokenInDescription()
    {
        var config = ClientConnectConfig.FromPush(new VpnPush(["10.0.0.0/16", "fd00:1::/64"], false, ["192.168.43.1"], ["apps.internal", "corp.example"]))
            .AssignAddress(IPAddress.Parse("192.168.43.10"), Cidr.Parse("192.168.43.0/24"))
            .SessionToken("c2Vzc2lvbg.c2ln-_");

        var command = ManagementCommands.ClientAuth(12, 3, config);

        Assert.Equal(
            """
            client-auth 12 3
            push "route 10.0.0.0 255.255.0.0"
            push "route-ipv6 fd00:1::/64"
            push "dhcp-option DNS 192.168.43.1"
            push "dhcp-option DOMAIN apps.internal"
            push "dhcp-option DOMAIN-SEARCH corp.example"
            ifconfig-push 192.168.43.10 255.255.255.0
            push "auth-token c2Vzc2lvbg.c2ln-_"
            END

            """.ReplaceLineEndings("\n"),
            command.Text);
        Assert.Contains("push \"auth-token ***\"", command.Description);
        Assert.DoesNotContain("c2Vzc2lvbg", command.Description);
        Assert.DoesNotContain("c2Vzc2lvbg", command.ToString());
    }

    [Fact]
    public void FromPush_FullTunnel_RedirectsGateway()
    {
        var config = ClientConnectConfig.FromPush(new VpnPush([], true, [], []));

        Assert.Equal("push \"redirect-gateway def1\"", Assert.Single(config.Lines).Text);
    }

    [Theory]
    [InlineData("10.0.0.0/16\"\npush \"route 0.0.0.0 0.0.0.0")]
    [InlineData("10.0.0.1/16")]
    [InlineData("10.0.0.0")]
    public void FromPush_HostileRoute_IsRefused(string route)
    {
        Assert.Throws<FormatException>(() => ClientConnectConfig.FromPush(new VpnPush([route], false, [], [])));
    }

    [Theory]
    [InlineData("10.0.0.1\"")]
    [InlineData("10")]
    [InlineData("010.0.0.1")]
    [InlineData("fe80::1%2")]
    public void FromPush_HostileDnsServer_IsRefused(string server)
    {
        Assert.Throws<FormatException>(() => ClientConnectConfig.FromPush(new VpnPush([], false, [server], [])));
    }

    [Theory]
    [InlineData("apps.internal\" \"x")]
    [InlineData("apps.internal\npush route")]
    [InlineData("-bad.example")]
    [InlineData("")]
    [InlineData("a..b")]
    public void FromPush_HostileSearchDomain_IsRefused(string domain)
    {
        Assert.Throws<FormatException>(() => ClientConnectConfig.FromPush(new VpnPush([], false, [], [domain])));
    }

    [Theory]
    [InlineData("tok en")]
    [InlineData("tok\"en")]
    [InlineData("tok\nen")]
    [InlineData("")]
    public void SessionToken_Hostile_IsRefused(string token)
    {
        Assert.Throws<ArgumentException>(() => new ClientConnectConfig().SessionToken(token));
    }

    [Theory]
    [InlineData("192.168.43.0")]
    [InlineData("192.168.43.1")]
    [InlineData("192.168.43.255")]
    [InlineData("192.168.44.10")]
    [InlineData("fd00::10")]
    public void AssignAddress_NotAClientAddressOfTheBlock_IsRefused(string address)
    {
        Assert.Throws<ArgumentException>(() => new ClientConnectConfig().AssignAddress(IPAddress.Parse(address), Cidr.Parse("192.168.43.0/24")));
    }
}

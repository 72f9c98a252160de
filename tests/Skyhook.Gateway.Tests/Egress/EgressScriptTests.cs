using Skyhook.Core.Addressing;
using Skyhook.Gateway.Egress;

namespace Skyhook.Gateway.Tests.Egress;

/// <summary>The egress table as a script: what it matches, that it replaces itself, and the input it refuses.</summary>
public sealed class EgressScriptTests
{
    private static readonly Cidr Clients = Cidr.Parse("192.168.43.0/24");

    [Fact]
    public void Script_SplitTunnel_MasqueradesOnlyTheAdditionalCidrsOutsideVpnAndOverlayLinks()
    {
        var script = EgressReconciler.Script(Clients, [Cidr.Parse("172.31.0.0/16"), Cidr.Parse("10.20.0.0/16")], ["skyvpn+"]);

        Assert.StartsWith($"table ip {EgressReconciler.Table}\ndelete table ip {EgressReconciler.Table}\n", script, StringComparison.Ordinal);
        Assert.Contains("ip saddr 192.168.43.0/24 ip daddr { 172.31.0.0/16, 10.20.0.0/16 } oifname != \"skyvpn*\" oifname != \"skyo*\" masquerade", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_FullTunnel_NoDestinationMatch_AndAnotherHashThanSplit()
    {
        var full = EgressReconciler.Script(Clients, [Cidr.Parse("0.0.0.0/0")], ["skyvpn+"]);
        var split = EgressReconciler.Script(Clients, [Cidr.Parse("172.31.0.0/16")], ["skyvpn+"]);

        Assert.DoesNotContain("daddr", full, StringComparison.Ordinal);
        Assert.Matches($"comment \"{EgressReconciler.Tag}:[0-9a-f]{{16}}\"", full);
        Assert.NotEqual(EgressReconciler.Marker(full), EgressReconciler.Marker(split));
        Assert.Equal(full, EgressReconciler.Script(Clients, [Cidr.Parse("0.0.0.0/0")], ["skyvpn+"]));
    }

    [Theory]
    [InlineData("skyvpn\" accept; #")]
    [InlineData("eth0 eth1")]
    [InlineData("")]
    [InlineData("a-name-too-long-for-linux")]
    public void Script_InterfacePatternThatIsNotAName_RefusedNamingIt(string pattern)
    {
        var error = Assert.Throws<ArgumentException>(() => EgressReconciler.Script(Clients, [Cidr.Parse("172.31.0.0/16")], [pattern]));

        Assert.Contains($"'{pattern}'", error.Message, StringComparison.Ordinal);
    }
}

using Skyhook.Core.Policy;

namespace Skyhook.Core.Tests.Policy;

public sealed class AccessRuleTests
{
    [Theory]
    [InlineData("allow container web1 tcp 80")]
    [InlineData("allow container web1 tcp 80,443,8000:8100")]
    [InlineData("allow service api tcp")]
    [InlineData("deny label team=payments all")]
    [InlineData("allow cidr 10.0.3.0/24 icmp")]
    [InlineData("allow network multi-host-overlay udp 53")]
    public void Parse_ValidText_RoundTripsToCanonicalText(string text)
    {
        var rule = AccessRule.Parse(text);

        Assert.Equal(text, rule.ToString());
        Assert.Equal(rule, AccessRule.Parse(rule.ToString()));
    }

    [Fact]
    public void Parse_FullRule_SetsEveryPart()
    {
        var rule = AccessRule.Parse("deny container web1 udp 53,25:1024");

        Assert.Equal(RuleAction.Deny, rule.Action);
        Assert.Equal(new ContainerTarget("web1"), rule.Target);
        Assert.Equal(Protocol.Udp, rule.Protocol);
        Assert.Equal([new PortRange(53), new PortRange(25, 1024)], rule.Ports);
    }

    [Fact]
    public void Parse_TcpWithoutPorts_MeansEveryPort()
    {
        var rule = AccessRule.Parse("allow service api tcp");

        Assert.Equal(Protocol.Tcp, rule.Protocol);
        Assert.Empty(rule.Ports);
    }

    [Theory]
    [InlineData(null, "The rule is empty; expected ACTION TARGET PROTOCOL [PORTS]")]
    [InlineData("allow container web1", "In rule 'allow container web1': Expected ACTION TARGET PROTOCOL [PORTS], such as 'allow container web1 tcp 80,8000:8100'.")]
    [InlineData("allow container web1 tcp 80 443", "Expected ACTION TARGET PROTOCOL [PORTS]")]
    [InlineData("allow  container web1 tcp 80", "Expected ACTION TARGET PROTOCOL [PORTS]")]
    [InlineData("permit container web1 tcp 80", "In rule 'permit container web1 tcp 80': 'permit' is not a rule action; expected allow or deny.")]
    [InlineData("allow host web1 tcp 80", "Target 'host web1' does not start with a kind")]
    [InlineData("allow container web1! tcp 80", "Container name 'web1!' contains '!'")]
    [InlineData("allow container web1 sctp 80", "'sctp' is not a protocol; expected tcp, udp, icmp or all.")]
    [InlineData("allow container web1 tcp 0", "Port '0' is out of range; ports are 1 to 65535.")]
    [InlineData("allow container web1 tcp 70000", "Port '70000' is out of range")]
    [InlineData("allow container web1 tcp 80:20", "Port range '80:20' is reversed; write 20:80.")]
    [InlineData("allow container web1 tcp 80,,443", "The port is empty")]
    [InlineData("allow container web1 tcp 80,", "The port is empty")]
    [InlineData("allow container web1 icmp 80", "In rule 'allow container web1 icmp 80': Ports apply only to tcp and udp; remove 80 from this icmp rule.")]
    [InlineData("allow container web1 all 25:1024", "Ports apply only to tcp and udp; remove 25:1024 from this all rule.")]
    public void TryParse_InvalidText_FailsWithOneClearMessage(string? text, string expectedFragment)
    {
        var parsed = AccessRule.TryParse(text, out var rule, out var error);

        Assert.False(parsed);
        Assert.Null(rule);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Protocol.Icmp)]
    [InlineData(Protocol.All)]
    public void Constructor_PortsForIcmpOrAll_Throws(Protocol protocol)
    {
        var exception = Assert.Throws<ArgumentException>(
            () => new AccessRule(RuleAction.Allow, new ContainerTarget("web1"), protocol, [new PortRange(80)]));

        Assert.Equal("ports", exception.ParamName);
        Assert.Contains("Ports apply only to tcp and udp", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_UndefinedProtocol_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new AccessRule(RuleAction.Allow, new ContainerTarget("web1"), (Protocol)9, []));
    }

    [Fact]
    public void Constructor_CallerChangesPortList_RuleIsUnchanged()
    {
        var ports = new List<PortRange> { new(80) };
        var rule = new AccessRule(RuleAction.Allow, new ContainerTarget("web1"), Protocol.Tcp, ports);

        ports.Add(new PortRange(443));

        Assert.Equal([new PortRange(80)], rule.Ports);
    }

    [Fact]
    public void Equals_SameContentDifferentLists_AreEqualWithSameHash()
    {
        var a = new AccessRule(RuleAction.Allow, new ContainerTarget("web1"), Protocol.Tcp, [new PortRange(80), new PortRange(443)]);
        var b = AccessRule.Parse("allow container web1 tcp 80,443");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_DifferentPorts_AreNotEqual()
    {
        Assert.NotEqual(AccessRule.Parse("allow container web1 tcp 80"), AccessRule.Parse("allow container web1 tcp 81"));
    }
}

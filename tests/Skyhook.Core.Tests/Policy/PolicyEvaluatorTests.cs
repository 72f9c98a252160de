using System.Globalization;
using System.Net;
using Skyhook.Core.Policy;

namespace Skyhook.Core.Tests.Policy;

/// <summary>
/// Golden cases: a profile and a packet in, the verdict and deciding rule out. Endpoints are named
/// after the lab's containers; the same cases drive the data-path tests of issue 6.
/// </summary>
public sealed class PolicyEvaluatorTests
{
    private static readonly Dictionary<string, (string Address, EndpointFacts? Facts)> Endpoints = new()
    {
        ["web1"] = ("10.0.0.12", Facts("web1", "web", ["multi-host-overlay"], ("team", "web"))),
        ["web2"] = ("10.0.0.13", Facts("web2", "web", ["multi-host-overlay"], ("team", "web"))),
        ["pay1"] = ("10.0.1.5", Facts("pay1", "payments", ["multi-host-overlay", "payments-net"], ("team", "payments"), ("com.example.tier", "gold"))),
        ["api1"] = ("10.0.2.8", Facts("api.1.x7k2", "api", ["multi-host-overlay"])),
        ["db1"] = ("10.0.3.7", Facts("db1", null, ["backend"])),
        // A host in a routed CIDR that is no container: discovery knows nothing about it.
        ["plain-host"] = ("10.0.3.20", null),
        // web1 after a restart on another node: new address, same container.
        ["web1-moved"] = ("10.0.9.9", Facts("web1", "web", ["multi-host-overlay"], ("team", "web"))),
        // The address web1 had before it moved, now empty.
        ["web1-old-address"] = ("10.0.0.12", null),
    };

    [Theory]
    // alice: deny-all plus one allow.
    [InlineData("deny-all", new[] { "allow container web1 tcp 80" }, "web1", "tcp/80", true, 0)]
    [InlineData("deny-all", new[] { "allow container web1 tcp 80" }, "web1", "tcp/8080", false, null)]
    [InlineData("deny-all", new[] { "allow container web1 tcp 80" }, "web2", "tcp/80", false, null)]
    [InlineData("deny-all", new[] { "allow container web1 tcp 80" }, "web1", "udp/80", false, null)]
    [InlineData("deny-all", new[] { "allow container web1 tcp 80" }, "web1", "icmp", false, null)]
    // Name targets follow the container, not its old address.
    [InlineData("deny-all", new[] { "allow container web1 tcp 80" }, "web1-moved", "tcp/80", true, 0)]
    [InlineData("deny-all", new[] { "allow container web1 tcp 80" }, "web1-old-address", "tcp/80", false, null)]
    // An explicit deny before a broad allow.
    [InlineData("deny-all", new[] { "deny container web1 tcp 22", "allow network multi-host-overlay tcp" }, "web1", "tcp/22", false, 0)]
    [InlineData("deny-all", new[] { "deny container web1 tcp 22", "allow network multi-host-overlay tcp" }, "web1", "tcp/443", true, 1)]
    [InlineData("deny-all", new[] { "deny container web1 tcp 22", "allow network multi-host-overlay tcp" }, "web2", "tcp/22", true, 1)]
    [InlineData("deny-all", new[] { "deny container web1 tcp 22", "allow network multi-host-overlay tcp" }, "db1", "tcp/22", false, null)]
    // First match wins, even when a later rule says the opposite.
    [InlineData("deny-all", new[] { "allow container web1 tcp 80", "deny container web1 tcp 80" }, "web1", "tcp/80", true, 0)]
    // carol: a port range, edges inclusive.
    [InlineData("deny-all", new[] { "allow service web tcp 8000:8100" }, "web2", "tcp/7999", false, null)]
    [InlineData("deny-all", new[] { "allow service web tcp 8000:8100" }, "web2", "tcp/8000", true, 0)]
    [InlineData("deny-all", new[] { "allow service web tcp 8000:8100" }, "web2", "tcp/8100", true, 0)]
    [InlineData("deny-all", new[] { "allow service web tcp 8000:8100" }, "web2", "tcp/8101", false, null)]
    [InlineData("deny-all", new[] { "allow service web tcp 22,8000:8100" }, "web1", "tcp/22", true, 0)]
    [InlineData("deny-all", new[] { "allow service web udp 1:65535" }, "web1", "udp/65535", true, 0)]
    // icmp rules against icmp and tcp packets; all covers every protocol.
    [InlineData("deny-all", new[] { "allow container web1 icmp" }, "web1", "icmp", true, 0)]
    [InlineData("deny-all", new[] { "allow container web1 icmp" }, "web1", "tcp/80", false, null)]
    [InlineData("deny-all", new[] { "deny container web1 icmp", "allow container web1 all" }, "web1", "icmp", false, 0)]
    [InlineData("deny-all", new[] { "deny container web1 icmp", "allow container web1 all" }, "web1", "tcp/80", true, 1)]
    [InlineData("deny-all", new[] { "deny container web1 icmp", "allow container web1 all" }, "web1", "udp/53", true, 1)]
    // tcp without ports is every tcp port, and only tcp.
    [InlineData("deny-all", new[] { "allow container web1 tcp" }, "web1", "tcp/65535", true, 0)]
    [InlineData("deny-all", new[] { "allow container web1 tcp" }, "web1", "udp/53", false, null)]
    // bob: allow-all with a label deny.
    [InlineData("allow-all", new[] { "deny label team=payments all" }, "web2", "tcp/80", true, null)]
    [InlineData("allow-all", new[] { "deny label team=payments all" }, "pay1", "tcp/443", false, 0)]
    [InlineData("allow-all", new[] { "deny label team=payments all" }, "pay1", "icmp", false, 0)]
    [InlineData("allow-all", new[] { "deny label team=payments all" }, "plain-host", "tcp/80", true, null)]
    // A label matches on key and exact value.
    [InlineData("deny-all", new[] { "allow label team=pay all" }, "pay1", "tcp/443", false, null)]
    [InlineData("deny-all", new[] { "allow label com.example.tier=gold tcp 443" }, "pay1", "tcp/443", true, 0)]
    [InlineData("deny-all", new[] { "allow label tier=gold tcp 443" }, "pay1", "tcp/443", false, null)]
    // Network and service targets.
    [InlineData("deny-all", new[] { "allow network payments-net tcp 443" }, "pay1", "tcp/443", true, 0)]
    [InlineData("deny-all", new[] { "allow network payments-net tcp 443" }, "web1", "tcp/443", false, null)]
    [InlineData("deny-all", new[] { "allow service api tcp 8080" }, "api1", "tcp/8080", true, 0)]
    [InlineData("deny-all", new[] { "allow service api tcp 8080" }, "web1", "tcp/8080", false, null)]
    // CIDR targets match by address, container or not.
    [InlineData("deny-all", new[] { "allow cidr 10.0.3.0/24 tcp 5432" }, "db1", "tcp/5432", true, 0)]
    [InlineData("deny-all", new[] { "allow cidr 10.0.3.0/24 tcp 5432" }, "plain-host", "tcp/5432", true, 0)]
    [InlineData("deny-all", new[] { "allow cidr 10.0.3.0/24 tcp 5432" }, "web1", "tcp/5432", false, null)]
    [InlineData("deny-all", new[] { "allow cidr 10.0.3.7/32 all" }, "db1", "icmp", true, 0)]
    [InlineData("deny-all", new[] { "allow cidr 10.0.3.7/32 all" }, "plain-host", "icmp", false, null)]
    [InlineData("deny-all", new[] { "allow cidr fd00::/8 all" }, "db1", "icmp", false, null)]
    // allow-all with a deny rule.
    [InlineData("allow-all", new[] { "deny container web1 tcp 22" }, "web1", "tcp/22", false, 0)]
    [InlineData("allow-all", new[] { "deny container web1 tcp 22" }, "web1", "tcp/80", true, null)]
    [InlineData("allow-all", new[] { "deny container web1 tcp 22" }, "web2", "tcp/22", true, null)]
    // No rules at all: the base policy alone.
    [InlineData("deny-all", new string[0], "web1", "tcp/80", false, null)]
    [InlineData("allow-all", new string[0], "web1", "tcp/80", true, null)]
    public void Evaluate_GoldenCase_GivesExpectedDecision(
        string basePolicy, string[] rules, string endpoint, string packet, bool allowed, int? ruleIndex)
    {
        var decision = PolicyEvaluator.Evaluate(Profile(basePolicy, rules), Packet(endpoint, packet));

        Assert.Equal(allowed, decision.Allowed);
        Assert.Equal(ruleIndex, decision.RuleIndex);
    }

    [Theory]
    [InlineData("deny-all", "allow container web1 tcp 80", "web1", "tcp/80",
        "rule 1 (allow container web1 tcp 80) matched: 10.0.0.12 is container web1")]
    [InlineData("deny-all", "allow container web1 tcp 80", "web1", "tcp/8080",
        "no rule matched tcp/8080 to 10.0.0.12 (web1); base policy deny-all")]
    [InlineData("allow-all", "deny container web1 tcp 22", "plain-host", "icmp",
        "no rule matched icmp to 10.0.3.20; base policy allow-all")]
    [InlineData("allow-all", "deny label team=payments all", "pay1", "tcp/443",
        "rule 1 (deny label team=payments all) matched: 10.0.1.5 (pay1) has label team=payments")]
    [InlineData("deny-all", "allow network payments-net tcp 443", "pay1", "tcp/443",
        "rule 1 (allow network payments-net tcp 443) matched: 10.0.1.5 (pay1) is on network payments-net")]
    [InlineData("deny-all", "allow service api tcp 8080", "api1", "tcp/8080",
        "rule 1 (allow service api tcp 8080) matched: 10.0.2.8 (api.1.x7k2) is a task of service api")]
    [InlineData("deny-all", "allow cidr 10.0.3.0/24 tcp 5432", "plain-host", "tcp/5432",
        "rule 1 (allow cidr 10.0.3.0/24 tcp 5432) matched: 10.0.3.20 is in 10.0.3.0/24")]
    public void Evaluate_SingleRule_ExplainsTheDecision(string basePolicy, string rule, string endpoint, string packet, string expected)
    {
        var decision = PolicyEvaluator.Evaluate(Profile(basePolicy, [rule]), Packet(endpoint, packet));

        Assert.Equal(expected, decision.Explanation);
    }

    [Fact]
    public void Evaluate_LaterRuleMatches_ExplanationNumbersRulesFromOne()
    {
        var profile = Profile("deny-all", ["deny container web1 tcp 22", "allow network multi-host-overlay tcp"]);

        var decision = PolicyEvaluator.Evaluate(profile, Packet("web1", "tcp/443"));

        Assert.Equal(1, decision.RuleIndex);
        Assert.Equal(
            "rule 2 (allow network multi-host-overlay tcp) matched: 10.0.0.12 (web1) is on network multi-host-overlay",
            decision.Explanation);
    }

    [Fact]
    public void Evaluate_IPv4MappedDestination_MatchesIPv4Cidr()
    {
        var profile = Profile("deny-all", ["allow cidr 10.0.3.0/24 tcp"]);
        var destination = new Destination(IPAddress.Parse("::ffff:10.0.3.20"), Protocol.Tcp, 22);

        Assert.True(PolicyEvaluator.Evaluate(profile, destination).Allowed);
    }

    private static AccessProfile Profile(string basePolicy, string[] rules) =>
        new("golden", PolicyText.ParseBasePolicy(basePolicy), [.. rules.Select(AccessRule.Parse)]);

    private static Destination Packet(string endpoint, string packet)
    {
        var (address, facts) = Endpoints[endpoint];
        var slash = packet.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? new Destination(IPAddress.Parse(address), PolicyText.ParseProtocol(packet), null, facts)
            : new Destination(
                IPAddress.Parse(address),
                PolicyText.ParseProtocol(packet[..slash]),
                int.Parse(packet[(slash + 1)..], CultureInfo.InvariantCulture),
                facts);
    }

    private static EndpointFacts Facts(string container, string? service, string[] networks, params (string Key, string Value)[] labels) =>
        new(container, service, labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal), networks);
}

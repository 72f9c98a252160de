using System.Net;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Core.Tests.Policy.Compilation;

namespace Skyhook.Core.Tests.Policy;

public sealed class ReachabilityTests
{
    private static readonly IPAddress Web1 = IPAddress.Parse("10.0.0.12");
    private static readonly EndpointFacts Web1Facts = new("web1", null, new Dictionary<string, string>(), ["multi-host-overlay"]);

    [Theory]
    [InlineData("deny-all", new string[0], false)]
    [InlineData("allow-all", new string[0], true)]
    [InlineData("deny-all", new[] { "allow container web1 tcp 80" }, true)]
    [InlineData("deny-all", new[] { "allow container web2 tcp 80" }, false)]
    [InlineData("allow-all", new[] { "deny container web1 all" }, false)]
    [InlineData("allow-all", new[] { "deny container web1 tcp", "deny container web1 udp" }, true)]
    [InlineData("allow-all", new[] { "deny container web1 tcp", "deny container web1 udp", "deny cidr 10.0.0.0/16 icmp" }, false)]
    // Port 0 is left by a rule with ports: the base policy still allows tcp/0.
    [InlineData("allow-all", new[] { "deny container web1 tcp 1:65535", "deny container web1 udp", "deny container web1 icmp" }, true)]
    [InlineData("deny-all", new[] { "deny container web1 tcp 80", "allow container web1 tcp 80" }, false)]
    [InlineData("deny-all", new[] { "deny container web1 tcp 80", "allow container web1 tcp 79:80" }, true)]
    [InlineData("deny-all", new[] { "deny container web1 tcp 1:100,200:300", "allow container web1 tcp 50:99,250" }, false)]
    [InlineData("deny-all", new[] { "deny container web1 tcp 1:100,200:300", "allow container web1 tcp 50:101" }, true)]
    [InlineData("deny-all", new[] { "allow label team=payments all" }, false)]
    public void AllowsAnything_Cases_AsExpected(string basePolicy, string[] rules, bool expected)
    {
        var profile = new AccessProfile("p", PolicyText.ParseBasePolicy(basePolicy), rules.Select(AccessRule.Parse).ToArray());

        Assert.Equal(expected, Reachability.AllowsAnything(profile, Web1, Web1Facts));
    }

    [Fact]
    public void AllowsAnything_IPv4MappedAddress_MatchesIPv4Cidr()
    {
        var profile = new AccessProfile("p", BasePolicy.DenyAll, [AccessRule.Parse("allow cidr 10.0.0.0/24 icmp")]);

        Assert.True(Reachability.AllowsAnything(profile, Web1.MapToIPv6(), null));
    }

    /// <summary>
    /// Against the evaluator: a verdict can only change at a port some rule names, so the ports at
    /// and beside every range edge (plus 0 and 65535) stand for all 65536; random ports are added anyway.
    /// </summary>
    [Theory]
    [MemberData(nameof(PolicyCompilerPropertyTests.Seeds), MemberType = typeof(PolicyCompilerPropertyTests))]
    public void AllowsAnything_RandomProfiles_AgreesWithEvaluatorOnEveryPort(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 300; round++)
        {
            var endpoints = PolicyCompilerPropertyTests.RandomEndpoints(random);
            var profile = RandomProfile(random);
            var ports = profile.Rules.SelectMany(r => r.Ports).SelectMany(p => new[] { p.First - 1, p.First, p.Last, p.Last + 1 })
                .Concat([0, 1, PortRange.MaxPort])
                .Concat(Enumerable.Range(0, 20).Select(_ => random.Next(PortRange.MaxPort + 1)))
                .Where(p => p is >= 0 and <= PortRange.MaxPort)
                .Distinct()
                .ToArray();
            foreach (var (address, facts) in Probes(endpoints))
            {
                var expected = Destinations(address, facts, ports).Any(d => PolicyEvaluator.Evaluate(profile, d).Allowed);

                var actual = Reachability.AllowsAnything(profile, address, facts);

                Assert.True(
                    expected == actual,
                    $"seed {seed} round {round}: {address} ({facts?.Container}) for {profile.BasePolicy.ToText()}; {string.Join("; ", profile.Rules)}: evaluator {expected}, reachability {actual}");
            }
        }
    }

    [Fact]
    public void AllowsAnything_RandomProfiles_AgreesWithEvaluatorOverAllPorts()
    {
        var random = new Random(42);
        var allPorts = Enumerable.Range(0, PortRange.MaxPort + 1).ToArray();
        for (var round = 0; round < 10; round++)
        {
            var endpoints = PolicyCompilerPropertyTests.RandomEndpoints(random);
            var profile = RandomProfile(random);
            var (address, facts) = Probes(endpoints).First();

            var expected = Destinations(address, facts, allPorts).Any(d => PolicyEvaluator.Evaluate(profile, d).Allowed);

            Assert.Equal(expected, Reachability.AllowsAnything(profile, address, facts));
        }
    }

    private static IEnumerable<(IPAddress Address, EndpointFacts? Facts)> Probes(DiscoveredEndpoint[] endpoints) =>
        endpoints.SelectMany(e => e.Addresses.Select(a => (a, (EndpointFacts?)e.Facts)))
            .Concat(new[] { "10.0.0.1", "10.0.1.6", "192.168.1.1", "fd00::3", "fd01::1" }.Select(a => (IPAddress.Parse(a), (EndpointFacts?)null)))
            .DistinctBy(p => p.Item1);

    private static IEnumerable<Destination> Destinations(IPAddress address, EndpointFacts? facts, int[] ports) =>
        ports.SelectMany(p => new[] { new Destination(address, Protocol.Tcp, p, facts), new Destination(address, Protocol.Udp, p, facts) })
            .Prepend(new Destination(address, Protocol.Icmp, null, facts));

    /// <summary>
    /// The compiler tests' random targets, mostly under tcp rules with ports from a small pool of
    /// edges: the answer turns on single ports only when most protocols are decided by the same rules.
    /// </summary>
    private static AccessProfile RandomProfile(Random random)
    {
        var rules = Enumerable.Range(0, random.Next(0, 8)).Select(_ =>
        {
            var target = PolicyCompilerPropertyTests.RandomRule(random).Target;
            var protocol = random.Next(10) switch
            {
                < 6 => Protocol.Tcp,
                6 => Protocol.Udp,
                7 => Protocol.Icmp,
                _ => Protocol.All,
            };
            var ports = protocol is Protocol.Tcp or Protocol.Udp
                ? Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomRange(random)).ToArray()
                : [];
            return new AccessRule(random.Next(2) == 0 ? RuleAction.Allow : RuleAction.Deny, target, protocol, ports);
        });
        return new AccessProfile("p", random.Next(2) == 0 ? BasePolicy.DenyAll : BasePolicy.AllowAll, rules.ToArray());
    }

    // Edges from a small pool, so that one rule's range often starts right after another's ends.
    private static PortRange RandomRange(Random random)
    {
        int[] edges = [1, 2, 79, 80, 81, 82, 1000, 1001, 65534, 65535];
        var a = edges[random.Next(edges.Length)];
        var b = edges[random.Next(edges.Length)];
        return new PortRange(Math.Min(a, b), Math.Max(a, b));
    }
}

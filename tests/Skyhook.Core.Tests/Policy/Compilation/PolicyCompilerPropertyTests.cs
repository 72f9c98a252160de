using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Skyhook.Core.Addressing;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Core.Tests.Policy.Compilation;

/// <summary>
/// The proof that compilation keeps the meaning: for random profiles, endpoints, sessions and
/// packets, walking the compiled table gives the verdict <see cref="PolicyEvaluator"/> gives. The
/// universe is small on purpose (a few /28s, a handful of names, ports at range edges) so that
/// targets, cidrs and port ranges overlap often and shadowing is exercised.
/// </summary>
public sealed class PolicyCompilerPropertyTests
{
    private static readonly string[] Containers = ["web1", "web2", "api.1", "db1", "ghost"];
    private static readonly string[] Services = ["web", "api", "none-such"];
    private static readonly string[] Networks = ["overlay", "backend", "empty-net"];
    private static readonly (string Key, string Value)[] Labels = [("team", "payments"), ("team", "frontend"), ("tier", "gold"), ("team", "")];
    private static readonly string[] Cidrs = ["10.0.0.0/28", "10.0.0.8/29", "10.0.1.4/30", "10.0.0.0/16", "0.0.0.0/0", "10.0.0.5/32", "fd00::/120", "fd00::8/125", "::/0"];
    private static readonly string[] PortTexts = ["80", "22", "8000:8100", "1:1024", "443", "79:81", "65535", "1:65535"];
    private static readonly int[] ProbePorts = [0, 1, 21, 22, 23, 79, 80, 81, 82, 443, 1024, 1025, 7999, 8000, 8050, 8100, 8101, 65534, 65535];

    /// <summary>The seeds of the random tests here and in <see cref="NftTableDiffTests"/>.</summary>
    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Compile_RandomPolicies_TableVerdictEqualsEvaluator(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var endpoints = RandomEndpoints(random);
            var profiles = Enumerable.Range(0, random.Next(1, 4)).Select(i => RandomProfile(random, $"p{i}")).ToArray();
            var sessions = Enumerable.Range(0, random.Next(1, 4))
                .Select(i => new SessionBinding(IPAddress.Parse($"10.8.0.{i + 2}"), profiles[random.Next(profiles.Length)].Name))
                // Every profile also gets a client of each family, so that both families are probed for each.
                .Concat(profiles.Select((p, i) => new SessionBinding(IPAddress.Parse($"10.8.1.{i + 2}"), p.Name)))
                .Concat(profiles.Select((p, i) => new SessionBinding(IPAddress.Parse($"fd99::{i + 2}"), p.Name)))
                .ToArray();
            var table = PolicyCompiler.Compile(new PolicyCompilationInput(profiles, sessions, endpoints, ["tun*"]));
            AssertSetsDisjoint(table);
            var walker = new CompiledTableEvaluator(table);
            var facts = endpoints.SelectMany(e => e.Addresses.Select(a => (a, e.Facts))).ToDictionary(x => x.a, x => x.Facts);
            var probes = facts.Keys.Concat(new[] { "10.0.0.1", "10.0.0.9", "10.0.1.6", "10.0.2.1", "192.168.1.1", "fd00::3", "fd00::9", "fd01::1" }.Select(IPAddress.Parse)).ToArray();

            foreach (var session in sessions)
            {
                var profile = profiles.Single(p => p.Name == session.ProfileName);
                for (var probe = 0; probe < 30; probe++)
                {
                    var address = probes[random.Next(probes.Length)];
                    var protocol = (Protocol)random.Next(3);
                    int? port = protocol == Protocol.Icmp ? null : ProbePorts[random.Next(ProbePorts.Length)];
                    var destination = new Destination(address, protocol, port, facts.GetValueOrDefault(address));
                    var expected = PolicyEvaluator.Evaluate(profile, destination);

                    var number = protocol switch
                    {
                        Protocol.Tcp => 6,
                        Protocol.Udp => 17,
                        _ => address.AddressFamily == AddressFamily.InterNetwork ? 1 : 58,
                    };
                    // A packet's source and destination share a family: an IPv4 client probes IPv6 through its profile's IPv6 client.
                    var source = address.AddressFamily == session.ClientAddress.AddressFamily
                        ? session.ClientAddress
                        : sessions.First(s => s.ClientAddress.AddressFamily == address.AddressFamily && s.ProfileName == profile.Name).ClientAddress;
                    var actual = walker.Accepts("tun0", source, address, number, port);

                    Assert.True(
                        expected.Allowed == actual,
                        $"seed {seed} round {round}: {destination} for profile {profile.Name} ({profile.BasePolicy.ToText()}; {string.Join("; ", profile.Rules)}): evaluator says {expected.Explanation}, table says {(actual ? "accept" : "drop")}");
                }
            }
        }
    }

    internal static DiscoveredEndpoint[] RandomEndpoints(Random random)
    {
        var free = Enumerable.Range(0, 16).Select(i => $"10.0.0.{i}")
            .Concat(Enumerable.Range(0, 8).Select(i => $"10.0.1.{i}"))
            .Concat(Enumerable.Range(0, 16).Select(i => string.Create(CultureInfo.InvariantCulture, $"fd00::{i:x}")))
            .OrderBy(_ => random.Next())
            .ToList();
        var endpoints = new List<DiscoveredEndpoint>();
        for (var i = 0; i < random.Next(2, 9); i++)
        {
            var addresses = free.Take(random.Next(1, 3)).Select(IPAddress.Parse).ToArray();
            free.RemoveRange(0, addresses.Length);
            var labels = Labels.Where(_ => random.Next(3) == 0).GroupBy(l => l.Key).ToDictionary(g => g.Key, g => g.First().Value);
            var facts = new EndpointFacts(
                random.Next(5) == 0 ? null : Containers[random.Next(Containers.Length - 1)],
                random.Next(3) == 0 ? null : Services[random.Next(Services.Length - 1)],
                labels,
                Networks.Take(2).Where(_ => random.Next(2) == 0).ToArray());
            endpoints.Add(new DiscoveredEndpoint(addresses, facts));
        }

        return [.. endpoints];
    }

    internal static AccessProfile RandomProfile(Random random, string name)
    {
        var rules = new List<AccessRule>();
        // random.Next in the condition draws a new bound each round; kept so that each seed still gives the same cases.
        for (var i = 0; i < random.Next(0, 7); i++)
        {
            rules.Add(RandomRule(random));
        }

        return new AccessProfile(name, random.Next(2) == 0 ? BasePolicy.DenyAll : BasePolicy.AllowAll, rules);
    }

    internal static AccessRule RandomRule(Random random)
    {
        RuleTarget target = random.Next(5) switch
        {
            0 => new CidrTarget(Cidr.Parse(Cidrs[random.Next(Cidrs.Length)])),
            1 => new ContainerTarget(Containers[random.Next(Containers.Length)]),
            2 => new ServiceTarget(Services[random.Next(Services.Length)]),
            3 => new LabelTarget(Labels[random.Next(Labels.Length)].Key, Labels[random.Next(Labels.Length)].Value),
            _ => new NetworkTarget(Networks[random.Next(Networks.Length)]),
        };
        var protocol = (Protocol)random.Next(4);
        var ports = protocol is Protocol.Tcp or Protocol.Udp
            ? Enumerable.Range(0, random.Next(0, 3)).Select(_ => PortRange.Parse(PortTexts[random.Next(PortTexts.Length)])).ToArray()
            : [];
        return new AccessRule(random.Next(2) == 0 ? RuleAction.Allow : RuleAction.Deny, target, protocol, ports);
    }

    /// <summary>The kernel refuses overlapping elements in a concatenated interval set.</summary>
    private static void AssertSetsDisjoint(NftTable table)
    {
        foreach (var set in table.Sets)
        {
            for (var i = 0; i < set.Elements.Count; i++)
            {
                for (var j = i + 1; j < set.Elements.Count; j++)
                {
                    var overlap = set.Elements[i].Parts.Zip(set.Elements[j].Parts).All(p => p.First.First <= p.Second.Last && p.Second.First <= p.First.Last);
                    Assert.False(overlap, $"{set.Name}: elements {i} and {j} overlap");
                }
            }
        }
    }
}

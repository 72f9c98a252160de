using System.Net;
using System.Net.Sockets;
using Skyhook.Core.Addressing;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Gateway.Policy;

namespace Skyhook.Gateway.Tests.Policy;

public sealed class ConntrackPolicyTests
{
    private static readonly IPAddress Alice = IPAddress.Parse("10.8.0.2");
    private static readonly IPAddress Bob = IPAddress.Parse("10.8.0.3");
    private static readonly IPAddress Gone = IPAddress.Parse("10.8.0.9");
    private static readonly IPAddress AliceV6 = IPAddress.Parse("fd00:8::2");
    private static readonly IPAddress GatewayTunnel = IPAddress.Parse("10.8.0.1");
    private static readonly IPAddress Web1 = IPAddress.Parse("10.0.5.10");
    private static readonly IPAddress Web1V6 = IPAddress.Parse("fd00:5::10");
    private static readonly IPAddress Other = IPAddress.Parse("10.0.6.20");
    private static readonly Cidr[] Pools = [Cidr.Parse("10.8.0.0/24"), Cidr.Parse("fd00:8::/64")];
    private static readonly EndpointFacts Web1Facts = new("web1", null, new Dictionary<string, string> { ["team"] = "payments" }, ["multi-host-overlay"]);

    private static AccessProfile Profile(string basePolicy, params string[] rules) =>
        new("p" + rules.Length, PolicyText.ParseBasePolicy(basePolicy), [.. rules.Select(AccessRule.Parse)]);

    private static ConntrackPolicy PolicyFor(AccessProfile alice, AccessProfile? bob = null, bool knowWeb1 = true) =>
        new(
            new Dictionary<IPAddress, AccessProfile> { [Alice] = alice, [AliceV6] = alice, [Bob] = bob ?? alice },
            knowWeb1 ? new Dictionary<IPAddress, EndpointFacts> { [Web1] = Web1Facts, [Web1V6] = Web1Facts } : new Dictionary<IPAddress, EndpointFacts>(),
            Pools,
            [GatewayTunnel]);

    private static ConntrackEntry Tcp(IPAddress source, IPAddress destination, int port) =>
        new(source.AddressFamily, ConntrackEntry.Tcp, source, destination, 40000, port);

    private static ConntrackEntry Udp(IPAddress source, IPAddress destination, int port) =>
        new(source.AddressFamily, ConntrackEntry.Udp, source, destination, 40000, port);

    private static ConntrackEntry Ping(IPAddress source, IPAddress destination) =>
        source.AddressFamily == AddressFamily.InterNetwork
            ? new(AddressFamily.InterNetwork, ConntrackEntry.Icmp, source, destination, IcmpType: 8, IcmpCode: 0, IcmpId: 7)
            : new(AddressFamily.InterNetworkV6, ConntrackEntry.Icmpv6, source, destination, IcmpType: 128, IcmpCode: 0, IcmpId: 7);

    private static ConntrackEntry Raw(IPAddress source, IPAddress destination, int protocol) =>
        new(source.AddressFamily, protocol, source, destination);

    [Fact]
    public void Judge_SourceOutsideThePools_NotOurs()
    {
        var policy = PolicyFor(Profile("deny-all"));

        Assert.Equal(ConntrackVerdict.NotOurs, policy.Judge(Tcp(IPAddress.Parse("172.31.0.11"), Web1, 80)));
        Assert.Equal(ConntrackVerdict.NotOurs, policy.Judge(Tcp(Web1, Alice, 80)));
    }

    [Fact]
    public void Judge_PoolAddressWithoutSession_SessionEnded()
    {
        var policy = PolicyFor(Profile("allow-all"));

        Assert.Equal(ConntrackVerdict.SessionEnded, policy.Judge(Tcp(Gone, Web1, 80)));
        Assert.Equal(ConntrackVerdict.SessionEnded, policy.Judge(Ping(Gone, GatewayTunnel)));
    }

    [Theory]
    [InlineData(80, ConntrackVerdict.Allowed)]
    [InlineData(8080, ConntrackVerdict.Denied)]
    public void Judge_TcpPort_AsTheProfileSays(int port, ConntrackVerdict expected)
    {
        var policy = PolicyFor(Profile("deny-all", "allow cidr 10.0.5.0/24 tcp 80"));

        Assert.Equal(expected, policy.Judge(Tcp(Alice, Web1, port)));
    }

    [Fact]
    public void Judge_UdpAndTcpOnTheSamePort_AreDifferentProtocols()
    {
        var policy = PolicyFor(Profile("deny-all", "allow cidr 10.0.5.0/24 udp 53"));

        Assert.Equal(ConntrackVerdict.Allowed, policy.Judge(Udp(Alice, Web1, 53)));
        Assert.Equal(ConntrackVerdict.Denied, policy.Judge(Tcp(Alice, Web1, 53)));
    }

    [Fact]
    public void Judge_ContainerTarget_NeedsWhatDiscoveryKnows()
    {
        var profile = Profile("deny-all", "allow container web1 tcp 80", "allow label team=payments tcp 443");

        Assert.Equal(ConntrackVerdict.Allowed, PolicyFor(profile).Judge(Tcp(Alice, Web1, 80)));
        Assert.Equal(ConntrackVerdict.Allowed, PolicyFor(profile).Judge(Tcp(AliceV6, Web1V6, 443)));
        Assert.Equal(ConntrackVerdict.Denied, PolicyFor(profile).Judge(Tcp(Alice, Other, 80)));
        Assert.Equal(ConntrackVerdict.Denied, PolicyFor(profile, knowWeb1: false).Judge(Tcp(Alice, Web1, 80)));
    }

    [Fact]
    public void Judge_FirstMatchingRuleDecides()
    {
        var policy = PolicyFor(Profile("allow-all", "allow cidr 10.0.5.10/32 tcp 22", "deny cidr 10.0.5.0/24 all"));

        Assert.Equal(ConntrackVerdict.Allowed, policy.Judge(Tcp(Alice, Web1, 22)));
        Assert.Equal(ConntrackVerdict.Denied, policy.Judge(Tcp(Alice, Web1, 23)));
        Assert.Equal(ConntrackVerdict.Allowed, policy.Judge(Tcp(Alice, Other, 23)));
    }

    [Fact]
    public void Judge_IcmpAndIcmpv6_AreIcmpRules()
    {
        var policy = PolicyFor(Profile("deny-all", "allow container web1 icmp"));

        Assert.Equal(ConntrackVerdict.Allowed, policy.Judge(Ping(Alice, Web1)));
        Assert.Equal(ConntrackVerdict.Allowed, policy.Judge(Ping(AliceV6, Web1V6)));
        Assert.Equal(ConntrackVerdict.Denied, policy.Judge(Ping(Alice, Other)));
    }

    [Fact]
    public void Judge_OtherProtocols_OnlyRulesOnAllApply()
    {
        // As the compiled protocol set: a tcp, udp or icmp rule never covers GRE, SCTP or the other family's ICMP.
        var denyAllButIcmp = PolicyFor(Profile("deny-all", "allow cidr 10.0.5.0/24 icmp", "allow cidr 10.0.5.0/24 tcp"));
        var allowAllButTcp = PolicyFor(Profile("allow-all", "deny cidr 10.0.5.0/24 tcp", "deny cidr 10.0.5.0/24 icmp"));
        var denyAllOnAll = PolicyFor(Profile("allow-all", "allow cidr 10.0.5.10/32 tcp", "deny cidr 10.0.5.0/24 all"));
        var allowByAll = PolicyFor(Profile("deny-all", "deny cidr 10.0.5.10/32 tcp", "allow container web1 all"));

        Assert.Equal(ConntrackVerdict.Denied, denyAllButIcmp.Judge(Raw(Alice, Web1, 47)));
        Assert.Equal(ConntrackVerdict.Denied, denyAllButIcmp.Judge(Raw(Alice, Web1, ConntrackEntry.Icmpv6)));
        Assert.Equal(ConntrackVerdict.Allowed, allowAllButTcp.Judge(Raw(Alice, Web1, 132)));
        Assert.Equal(ConntrackVerdict.Allowed, allowAllButTcp.Judge(new ConntrackEntry(AddressFamily.InterNetwork, 33, Alice, Web1, 1, 2)));
        Assert.Equal(ConntrackVerdict.Denied, denyAllOnAll.Judge(Raw(Alice, Web1, 47)));
        Assert.Equal(ConntrackVerdict.Allowed, denyAllOnAll.Judge(Tcp(Alice, Web1, 1)));
        Assert.Equal(ConntrackVerdict.Allowed, allowByAll.Judge(Raw(Alice, Web1, 253)));
        Assert.Equal(ConntrackVerdict.Denied, allowByAll.Judge(Tcp(Alice, Web1, 80)));
        Assert.Equal(ConntrackVerdict.Allowed, allowByAll.Judge(Udp(Alice, Web1, 80)));
    }

    [Theory]
    [InlineData("allow-all")]
    [InlineData("deny-all")]
    public void Judge_GatewayItself_DnsAndIcmpOnlyWhateverTheProfile(string basePolicy)
    {
        var policy = PolicyFor(Profile(basePolicy));

        Assert.Equal(ConntrackVerdict.Allowed, policy.Judge(Udp(Alice, GatewayTunnel, 53)));
        Assert.Equal(ConntrackVerdict.Allowed, policy.Judge(Tcp(Alice, GatewayTunnel, 53)));
        Assert.Equal(ConntrackVerdict.Allowed, policy.Judge(Ping(Alice, GatewayTunnel)));
        Assert.Equal(ConntrackVerdict.Denied, policy.Judge(Tcp(Alice, GatewayTunnel, 22)));
        Assert.Equal(ConntrackVerdict.Denied, policy.Judge(Raw(Alice, GatewayTunnel, 47)));
    }

    [Fact]
    public void Judge_AnotherVpnClient_DeniedWhateverTheProfile()
    {
        var policy = PolicyFor(Profile("allow-all"));

        Assert.Equal(ConntrackVerdict.Denied, policy.Judge(Tcp(Alice, Bob, 22)));
        Assert.Equal(ConntrackVerdict.Denied, policy.Judge(Ping(Alice, Gone)));
    }

    [Fact]
    public void Judge_SessionAddressGivenIpv4Mapped_MatchesPlainIpv4()
    {
        var policy = new ConntrackPolicy(
            new Dictionary<IPAddress, AccessProfile> { [Alice.MapToIPv6()] = Profile("allow-all") },
            new Dictionary<IPAddress, EndpointFacts>(),
            Pools,
            []);

        Assert.Equal(ConntrackVerdict.Allowed, policy.Judge(Tcp(Alice, Web1, 80)));
    }

    [Fact]
    public void From_CompilationInput_SessionsProfilesAndEndpoints()
    {
        var narrow = new AccessProfile("narrow", BasePolicy.DenyAll, [AccessRule.Parse("allow container web1 tcp 80")]);
        var wide = new AccessProfile("wide", BasePolicy.AllowAll, []);
        var input = new PolicyCompilationInput(
            [narrow, wide],
            [new SessionBinding(Alice, "narrow"), new SessionBinding(Bob, "wide")],
            [new DiscoveredEndpoint([Web1, Web1V6], Web1Facts)],
            ["skyvpn*"]);

        var policy = ConntrackPolicy.From(input, Pools, [GatewayTunnel]);

        Assert.Equal(ConntrackVerdict.Allowed, policy.Judge(Tcp(Alice, Web1, 80)));
        Assert.Equal(ConntrackVerdict.Denied, policy.Judge(Tcp(Alice, Other, 80)));
        Assert.Equal(ConntrackVerdict.Allowed, policy.Judge(Tcp(Bob, Other, 80)));
        Assert.Equal(ConntrackVerdict.SessionEnded, policy.Judge(Tcp(Gone, Web1, 80)));
    }

    [Fact]
    public void From_SessionOfAnUnknownProfile_Throws()
    {
        var input = new PolicyCompilationInput([], [new SessionBinding(Alice, "missing")], [], ["skyvpn*"]);

        var error = Assert.Throws<ArgumentException>(() => ConntrackPolicy.From(input, Pools, []));
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_UnsetPool_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ConntrackPolicy(
            new Dictionary<IPAddress, AccessProfile>(), new Dictionary<IPAddress, EndpointFacts>(), [default], []));
    }

    [Fact]
    public void Plan_DeniedEntries_OneFilterPerClientDestinationProtocolAndPort()
    {
        var policy = PolicyFor(Profile("deny-all", "allow cidr 10.0.5.0/24 tcp 80"), bob: Profile("allow-all"));
        ConntrackEntry[] entries =
        [
            Tcp(Alice, Web1, 80),
            Tcp(Alice, Web1, 8080),
            Tcp(Alice, Web1, 8080) with { SourcePort = 40001 },
            Tcp(Alice, Web1, 8081),
            Udp(Alice, Web1, 8080),
            Ping(Alice, Web1),
            Ping(Alice, Web1) with { IcmpId = 8 },
            Raw(AliceV6, Web1V6, 47),
            Tcp(Bob, Web1, 8080),
            Tcp(Gone, Web1, 80),
            Ping(Gone, Other),
            Tcp(IPAddress.Parse("172.31.0.11"), Web1, 8080),
        ];

        var plan = ConntrackPlan.For(policy, entries);

        Assert.Equal(11, plan.Judged);
        Assert.Equal(9, plan.Denied);
        Assert.Equal(
            [
                "-D -s 10.8.0.2 -d 10.0.5.10 -p 6 --dport 8080 -o extended: 2 Denied",
                "-D -s 10.8.0.2 -d 10.0.5.10 -p 6 --dport 8081 -o extended: 1 Denied",
                "-D -s 10.8.0.2 -d 10.0.5.10 -p 17 --dport 8080 -o extended: 1 Denied",
                "-D -s 10.8.0.2 -d 10.0.5.10 -p 1 -o extended: 2 Denied",
                "-D -s fd00:8::2 -d fd00:5::10 -p 47 -o extended: 1 Denied",
                "-D -s 10.8.0.9 -o extended: 2 SessionEnded",
            ],
            plan.Deletions.Select(d => $"{d.Key.ToLine()}: {d.Value.Entries} {d.Value.Reason}"));
    }
}

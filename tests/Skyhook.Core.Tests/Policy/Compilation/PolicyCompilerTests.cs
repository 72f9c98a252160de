using System.Net;
using System.Text.Json;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Core.Tests.Policy.Compilation;

/// <summary>What the golden files do not show: names, determinism, refused input, the table's edges.</summary>
public sealed class PolicyCompilerTests
{
    private static readonly EndpointFacts Web1 = new("web1", "web", new Dictionary<string, string> { ["team"] = "payments" }, ["multi-host-overlay"]);
    private static readonly IPAddress Alice = IPAddress.Parse("10.8.0.2");
    private static readonly IPAddress Web1Address = IPAddress.Parse("10.0.0.12");

    [Theory]
    [InlineData("alice")]
    [InlineData("a.b-c_D")]
    [InlineData("x\"; flush ruleset; #")]
    [InlineData("evil\n}\r{\\u0022")]
    [InlineData("名前")]
    [InlineData("a-name-that-is-far-longer-than-any-nftables-identifier-should-ever-be-in-a-chain")]
    public void ProfileChain_AnyName_SafeIdentifierWithHashAndReadablePart(string name)
    {
        var chain = NftNames.ProfileChain(name);

        Assert.Matches("^p_[0-9a-f]{8}_[A-Za-z0-9_]{0,24}$", chain);
        Assert.Matches("^[A-Za-z0-9_]+$", NftNames.PortsSet(chain, ipv6: true));
    }

    [Fact]
    public void ProfileChain_NamesThatSanitizeAlike_StayDistinct() =>
        Assert.NotEqual(NftNames.ProfileChain("a.b"), NftNames.ProfileChain("a-b"));

    [Fact]
    public void Render_HostileNamesInTheModel_StayJsonStrings()
    {
        const string hostile = "x\"}]},{\"flush\":{\"ruleset\":null}}";
        var table = new NftTable("inet", hostile, [], [], [new NftChain(hostile, null, [new NftRule(new NftInterfaceMatch(hostile), NftVerdict.Accept)])]);

        using var json = JsonDocument.Parse(NftJson.Render(table));

        var commands = json.RootElement.GetProperty("nftables").EnumerateArray().ToArray();
        Assert.Equal(5, commands.Length);
        Assert.Equal(hostile, commands[3].GetProperty("add").GetProperty("chain").GetProperty("name").GetString());
        Assert.DoesNotContain(commands, c => c.TryGetProperty("flush", out _));
    }

    [Theory]
    [InlineData("tun\"*")]
    [InlineData("tun 0")]
    [InlineData("t*n")]
    [InlineData("")]
    [InlineData("-tun")]
    [InlineData("a-name-too-long-for-linux")]
    public void Compile_InterfacePatternThatIsNotAName_Refused(string pattern)
    {
        var error = Assert.Throws<ArgumentException>(() => PolicyCompiler.Compile(Input([Profile("alice", BasePolicy.DenyAll)], [], [], [pattern])));

        Assert.Contains("VPN interface pattern", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_IptablesStylePattern_BecomesNftablesWildcard()
    {
        var table = PolicyCompiler.Compile(Input([Profile("alice", BasePolicy.DenyAll)], [], [], ["skyvpn+", "tun0"]));

        var patterns = table.Chains.Single(c => c.Hook?.Hook == "forward").Rules
            .Select(r => (NftInterfaceMatch)r.Statements[0]).Where(m => !m.Output).Select(m => m.Pattern);
        Assert.Equal(["skyvpn*", "tun0"], patterns);
    }

    [Fact]
    public void Compile_SessionWithUnknownProfile_RefusedNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => PolicyCompiler.Compile(Input([Profile("alice", BasePolicy.DenyAll)], [new SessionBinding(Alice, "bob")], [])));

        Assert.Contains("'bob'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_TwoSessionsOneAddress_Refused() =>
        Assert.Throws<ArgumentException>(() => PolicyCompiler.Compile(Input(
            [Profile("alice", BasePolicy.DenyAll)],
            [new SessionBinding(Alice, "alice"), new SessionBinding(Alice.MapToIPv6(), "alice")],
            [])));

    [Fact]
    public void Compile_TwoProfilesOneName_Refused() =>
        Assert.Throws<ArgumentException>(() => PolicyCompiler.Compile(Input([Profile("alice", BasePolicy.DenyAll), Profile("alice", BasePolicy.AllowAll)], [], [])));

    [Fact]
    public void Compile_InputInAnotherOrder_ByteIdenticalOutput()
    {
        AccessProfile[] profiles = [Profile("alice", BasePolicy.DenyAll, "allow container web1 tcp 80"), Profile("bob", BasePolicy.AllowAll, "deny label team=payments all")];
        SessionBinding[] sessions = [new(Alice, "alice"), new(IPAddress.Parse("10.8.0.3"), "bob"), new(IPAddress.Parse("10.8.0.4"), "alice")];
        DiscoveredEndpoint[] endpoints = [new([Web1Address], Web1), new([IPAddress.Parse("10.0.0.13")], Web1 with { Container = "web2" })];

        var first = NftJson.Render(PolicyCompiler.Compile(Input(profiles, sessions, endpoints, ["tun*", "wg*"])));
        var second = NftJson.Render(PolicyCompiler.Compile(Input([.. profiles.Reverse()], [.. sessions.Reverse()], [.. endpoints.Reverse()], ["wg*", "tun*"])));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Compile_TableEdges_OnlyNewConnectionsFromVpnSessionsAreJudged()
    {
        var table = PolicyCompiler.Compile(Input([Profile("alice", BasePolicy.DenyAll, "allow container web1 tcp 80")], [new SessionBinding(Alice, "alice")], [new([Web1Address], Web1)]));
        var walker = new CompiledTableEvaluator(table);

        Assert.True(walker.Accepts("tun0", Alice, Web1Address, 6, 80));
        Assert.False(walker.Accepts("tun0", Alice, Web1Address, 6, 8080));
        // Replies and the rest of an allowed connection ride conntrack.
        Assert.True(walker.Accepts("tun0", Alice, Web1Address, 6, 8080, "established"));
        Assert.False(walker.Accepts("tun0", Alice, Web1Address, 6, 80, "invalid"));
        // An address no session holds: a client forging a source gets nothing.
        Assert.False(walker.Accepts("tun0", IPAddress.Parse("10.8.0.99"), Web1Address, 6, 80));
        // Traffic that does not come from a VPN interface is not ours to judge.
        Assert.True(walker.Accepts("eth0", IPAddress.Parse("10.8.0.99"), Web1Address, 6, 8080));
    }

    [Fact]
    public void BindSessions_OnACompiledTable_SameAsCompilingWithThem()
    {
        AccessProfile[] profiles = [Profile("alice", BasePolicy.DenyAll, "allow container web1 tcp 80"), Profile("bob", BasePolicy.AllowAll)];
        SessionBinding[] sessions = [new(Alice, "alice"), new(IPAddress.Parse("10.8.0.3"), "bob"), new(IPAddress.Parse("fd00::3"), "bob")];
        DiscoveredEndpoint[] endpoints = [new([Web1Address], Web1)];

        var bound = PolicyCompiler.BindSessions(PolicyCompiler.Compile(Input(profiles, [], endpoints)), sessions);

        Assert.Equal(NftJson.Render(PolicyCompiler.Compile(Input(profiles, sessions, endpoints))), NftJson.Render(bound));
        var error = Assert.Throws<ArgumentException>(() => PolicyCompiler.BindSessions(bound, [new SessionBinding(Alice, "carol")]));
        Assert.Contains("'carol'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_VpnToVpn_DroppedEvenForAllowAll()
    {
        var bob = IPAddress.Parse("10.8.0.3");
        var table = PolicyCompiler.Compile(Input([Profile("open", BasePolicy.AllowAll)], [new SessionBinding(Alice, "open"), new SessionBinding(bob, "open")], []));
        var walker = new CompiledTableEvaluator(table);

        Assert.True(walker.Accepts("tun0", Alice, Web1Address, 6, 8080));
        Assert.False(walker.Accepts("tun0", Alice, bob, 6, 22, outputInterface: "tun0"));
        Assert.False(walker.Accepts("tun0", Alice, bob, 1, null, outputInterface: "tun0"));
    }

    [Fact]
    public void Compile_TowardsTheTunnel_OnlyReplies()
    {
        var table = PolicyCompiler.Compile(Input([Profile("open", BasePolicy.AllowAll)], [new SessionBinding(Alice, "open")], []));
        var walker = new CompiledTableEvaluator(table);

        // A container (or anything behind the gateway) cannot open a connection to a VPN user.
        Assert.False(walker.Accepts("veth0", Web1Address, Alice, 6, 22, outputInterface: "tun0"));
        Assert.True(walker.Accepts("veth0", Web1Address, Alice, 6, 22, "established", outputInterface: "tun0"));
        Assert.True(walker.Accepts("veth0", Web1Address, Alice, 6, 22, "related", outputInterface: "tun0"));
    }

    [Fact]
    public void Compile_TheGatewayItself_OnlyDnsAndIcmpFromTheTunnel()
    {
        var table = PolicyCompiler.Compile(Input([Profile("open", BasePolicy.AllowAll)], [new SessionBinding(Alice, "open")], []));
        var walker = new CompiledTableEvaluator(table);
        var gateway = IPAddress.Parse("10.8.0.1");

        Assert.True(walker.Accepts("tun0", Alice, gateway, 17, 53, hook: "input"));
        Assert.True(walker.Accepts("tun0", Alice, gateway, 6, 53, hook: "input"));
        Assert.True(walker.Accepts("tun0", Alice, gateway, 1, null, hook: "input"));
        // ssh, the gateway's management, anything else: not even for an allow-all profile.
        Assert.False(walker.Accepts("tun0", Alice, gateway, 6, 22, hook: "input"));
        Assert.False(walker.Accepts("tun0", Alice, gateway, 17, 1194, hook: "input"));
        Assert.True(walker.Accepts("tun0", Alice, gateway, 6, 22, "established", hook: "input"));
        // The rest of the host's input is not ours.
        Assert.True(walker.Accepts("eth0", Web1Address, gateway, 6, 22, hook: "input"));
    }

    [Fact]
    public void Compile_ProtocolWithoutPorts_OnlyAllRulesDecide()
    {
        var gre = 47;
        var allowAll = new CompiledTableEvaluator(PolicyCompiler.Compile(Input(
            [Profile("alice", BasePolicy.DenyAll, "allow container web1 tcp", "allow container web1 all")], [new SessionBinding(Alice, "alice")], [new([Web1Address], Web1)])));
        var tcpOnly = new CompiledTableEvaluator(PolicyCompiler.Compile(Input(
            [Profile("alice", BasePolicy.DenyAll, "allow container web1 tcp", "allow container web1 icmp")], [new SessionBinding(Alice, "alice")], [new([Web1Address], Web1)])));

        Assert.True(allowAll.Accepts("tun0", Alice, Web1Address, gre, null));
        Assert.False(tcpOnly.Accepts("tun0", Alice, Web1Address, gre, null));
    }

    private static AccessProfile Profile(string name, BasePolicy basePolicy, params string[] rules) =>
        new(name, basePolicy, rules.Select(AccessRule.Parse).ToArray());

    private static PolicyCompilationInput Input(
        AccessProfile[] profiles,
        SessionBinding[] sessions,
        DiscoveredEndpoint[] endpoints,
        string[]? interfaces = null) =>
        new(profiles, sessions, endpoints, interfaces ?? ["tun*"]);
}

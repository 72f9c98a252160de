using System.Net;
using System.Net.Sockets;
using Skyhook.Core.Addressing;

namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// Compiles the profiles of connected users and the discovered containers into the gateway's
/// nftables table (<c>inet skyhook</c>), with the verdicts of <see cref="PolicyEvaluator"/>.
/// </summary>
/// <remarks>
/// The table, per packet:
/// <code>
/// chain forward    (hook forward, priority filter - 1, policy accept: other traffic is not ours)
///   iifname "tun*" jump from_vpn          (one rule per VPN interface pattern)
///   oifname "tun*" jump to_vpn
/// chain from_vpn
///   meta l4proto tcp ct original packets 2-6 limit rate 2000/second burst 4000 packets
///     log group 32 snaplen 1500           (web telemetry; not a verdict)
///   ct state established,related accept   (replies and the rest of allowed connections)
///   ct state invalid drop
///   oifname "tun*" drop                   (no VPN user reaches another)
///   ip saddr vmap @sessions4              (client address -> goto its profile's chain)
///   ip6 saddr vmap @sessions6
///   drop                                  (an address no session holds)
/// chain p_HASH_NAME                        (one per profile)
///   ip daddr . meta l4proto . th dport @p_..._ports4  VERDICT
///   ip daddr . meta l4proto @p_..._proto4             VERDICT
///   (the same two for ip6)
///   BASE VERDICT                          (a drop is "goto denied")
/// chain denied
///   ct state new limit rate 200/second burst 400 packets log group 31 snaplen 128
///   drop
/// chain to_vpn                             (ct state established,related accept; drop)
/// chain input      (hook input, priority filter - 1, policy accept)
///   iifname "tun*" jump to_gateway
/// chain to_gateway                         (the gateway itself: replies, DNS on 53, ICMP; drop)
/// </code>
/// A deny-all profile's sets hold what it allows and VERDICT is accept; an allow-all profile's sets
/// hold what it denies and VERDICT is drop. The rule order is resolved here, at compile time
/// (<see cref="ProfileResolver"/>), so a packet costs one map lookup and at most two set lookups
/// whatever the number of users, rules or containers. The ports set covers tcp and udp (their
/// destination port is known); the protocol set covers icmp and, for rules on <c>all</c>, every
/// other protocol, without ports. Name, service, label and network targets become the current
/// addresses of the matching containers (<see cref="TargetMatching"/>); an address that two
/// endpoints report matches a target when either does.
/// </remarks>
public static class PolicyCompiler
{
    /// <summary>Just before the usual filter chains, so that our drop comes first; our accept does
    /// not override anyone else's drop.</summary>
    public const int ForwardPriority = -1;

    private const uint IcmpNumber = 1;
    private const uint TcpNumber = 6;
    private const uint UdpNumber = 17;
    private const uint Icmpv6Number = 58;
    private const uint DnsPort = 53;

    /// <summary>A profile's drop: through the chain that logs the first packet of a denied connection.</summary>
    private static readonly NftVerdict Denied = new(NftVerdictKind.Goto, NftNames.DeniedChain);

    /// <exception cref="ArgumentException">Two profiles share a name, a session names a profile that is
    /// not given or shares its address with another, or an interface pattern is not a safe name.</exception>
    public static NftTable Compile(PolicyCompilationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var profiles = SortedProfiles(input.Profiles);
        var chains = profiles.ToDictionary(p => p.Name, p => NftNames.ProfileChain(p.Name), StringComparer.Ordinal);
        if (chains.Values.Distinct(StringComparer.Ordinal).Count() != chains.Count)
        {
            throw new ArgumentException("Two profile names give the same chain name; rename one of them.", nameof(input));
        }

        var interfaces = InterfacePatterns(input.VpnInterfaces);
        var sessionMaps = SessionMaps(input.Sessions, chains);
        var targets = new TargetResolver(input.Endpoints);

        var sets = new List<NftSet>();
        var profileChains = new List<NftChain>();
        foreach (var profile in profiles)
        {
            var chain = chains[profile.Name];
            var targetIntervals = profile.Rules.Select(r => targets.Resolve(r.Target)).ToArray();
            var verdict = profile.BasePolicy == BasePolicy.DenyAll ? NftVerdict.Accept : Denied;
            var rules = new List<NftRule>();
            foreach (var family in (AddressFamily[])[AddressFamily.InterNetwork, AddressFamily.InterNetworkV6])
            {
                var ipv6 = family == AddressFamily.InterNetworkV6;
                var (ports, protocols) = new ProfileResolver(profile, targetIntervals, family).Resolve();
                var address = ipv6 ? NftKeyType.Ipv6Address : NftKeyType.Ipv4Address;
                var daddr = ipv6 ? NftField.Ip6Daddr : NftField.IpDaddr;
                // Both sets exist even when empty, so that a later incremental change only adds elements.
                var portsSet = NftNames.PortsSet(chain, ipv6);
                var protocolsSet = NftNames.ProtocolsSet(chain, ipv6);
                sets.Add(new NftSet(portsSet, [address, NftKeyType.InetProto, NftKeyType.InetService], ports));
                sets.Add(new NftSet(protocolsSet, [address, NftKeyType.InetProto], protocols));
                rules.Add(new NftRule(new NftSetLookup([daddr, NftField.L4Proto, NftField.ThDport], portsSet), verdict));
                rules.Add(new NftRule(new NftSetLookup([daddr, NftField.L4Proto], protocolsSet), verdict));
            }

            rules.Add(new NftRule(profile.BasePolicy == BasePolicy.DenyAll ? Denied : NftVerdict.Accept));
            profileChains.Add(new NftChain(chain, null, rules));
        }

        var established = new NftRule(new NftConntrackMatch(["established", "related"]), NftVerdict.Accept);
        var forward = new NftChain(
            NftNames.ForwardChain,
            new NftHook("forward", ForwardPriority, NftVerdictKind.Accept),
            [
                .. interfaces.Select(i => new NftRule(new NftInterfaceMatch(i), new NftVerdict(NftVerdictKind.Jump, NftNames.FromVpnChain))),
                .. interfaces.Select(i => new NftRule(new NftInterfaceMatch(i, Output: true), new NftVerdict(NftVerdictKind.Jump, NftNames.ToVpnChain))),
            ]);
        var fromVpn = new NftChain(
            NftNames.FromVpnChain,
            null,
            [
                // Before the accept, so that it sees allowed connections: their first payload packets
                // go to the web telemetry (HTTP request line and Host, TLS server name), never changing
                // the verdict. Only packets 2 to 6 of a connection: a second packet exists only once
                // the first was accepted.
                new NftRule(
                    new NftFieldMatch(NftField.L4Proto, TcpNumber),
                    new NftPacketCountMatch(NftLogGroups.WebFirstPacket, NftLogGroups.WebLastPacket),
                    new NftLimit(NftLogGroups.WebPerSecond, NftLogGroups.WebBurst),
                    new NftLog(NftLogGroups.Web, NftLogGroups.WebSnapLength)),
                established,
                new NftRule(new NftConntrackMatch(["invalid"]), NftVerdict.Drop),
                // One VPN user never reaches another, whatever their profiles say.
                .. interfaces.Select(i => new NftRule(new NftInterfaceMatch(i, Output: true), NftVerdict.Drop)),
                new NftRule(new NftVerdictMapLookup(NftField.IpSaddr, NftNames.Sessions4)),
                new NftRule(new NftVerdictMapLookup(NftField.Ip6Saddr, NftNames.Sessions6)),
                new NftRule(NftVerdict.Drop),
            ]);
        // Nothing opens a connection towards a VPN user: only replies go back into the tunnel.
        var toVpn = new NftChain(NftNames.ToVpnChain, null, [established, new NftRule(NftVerdict.Drop)]);
        var inputHook = new NftChain(
            NftNames.InputChain,
            new NftHook("input", ForwardPriority, NftVerdictKind.Accept),
            interfaces.Select(i => new NftRule(new NftInterfaceMatch(i), new NftVerdict(NftVerdictKind.Jump, NftNames.ToGatewayChain))).ToArray());
        var toGateway = new NftChain(
            NftNames.ToGatewayChain,
            null,
            [
                established,
                // The gateway's DNS; ping and ICMPv6 (neighbour discovery) for the tunnel to work.
                new NftRule(new NftFieldMatch(NftField.L4Proto, UdpNumber), new NftFieldMatch(NftField.ThDport, DnsPort), NftVerdict.Accept),
                new NftRule(new NftFieldMatch(NftField.L4Proto, TcpNumber), new NftFieldMatch(NftField.ThDport, DnsPort), NftVerdict.Accept),
                new NftRule(new NftFieldMatch(NftField.L4Proto, IcmpNumber), NftVerdict.Accept),
                new NftRule(new NftFieldMatch(NftField.L4Proto, Icmpv6Number), NftVerdict.Accept),
                new NftRule(NftVerdict.Drop),
            ]);

        // Every drop a profile decides: the connection's first packet is logged for the denied-flow
        // telemetry, at most DeniedPerSecond for all users together (the rule goes on to the drop
        // when the bucket is empty, so a flood costs the kernel a token check, not a copy).
        var denied = new NftChain(
            NftNames.DeniedChain,
            null,
            [
                new NftRule(
                    new NftConntrackMatch(["new"]),
                    new NftLimit(NftLogGroups.DeniedPerSecond, NftLogGroups.DeniedBurst),
                    new NftLog(NftLogGroups.Denied, NftLogGroups.DeniedSnapLength)),
                new NftRule(NftVerdict.Drop),
            ]);

        return new NftTable(
            NftNames.Family,
            NftNames.Table,
            sets,
            sessionMaps,
            [forward, fromVpn, toVpn, inputHook, toGateway, denied, .. profileChains]);
    }

    /// <summary>
    /// The compiled table with its session maps holding exactly <paramref name="sessions"/>: what a
    /// login or a logout changes, without compiling the profiles again.
    /// </summary>
    /// <exception cref="ArgumentException">A session names a profile the table has no chain for, or two share an address.</exception>
    public static NftTable BindSessions(NftTable table, IReadOnlyList<SessionBinding> sessions)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(sessions);
        var present = table.Chains.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var chains = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in sessions.Select(s => s?.ProfileName).OfType<string>())
        {
            if (!chains.ContainsKey(name) && NftNames.ProfileChain(name) is var chain && present.Contains(chain))
            {
                chains[name] = chain;
            }
        }

        return table with { Maps = SessionMaps(sessions, chains) };
    }

    private static List<AccessProfile> SortedProfiles(IReadOnlyList<AccessProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var sorted = profiles.Select(p => p ?? throw new ArgumentException("The profiles contain a null entry.", nameof(profiles)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (string.Equals(sorted[i - 1].Name, sorted[i].Name, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Profile {InputText.Quote(sorted[i].Name)} is given twice.", nameof(profiles));
            }
        }

        return sorted;
    }

    /// <summary>
    /// Interface names or prefixes, as nftables patterns: a trailing iptables <c>+</c> becomes
    /// <c>*</c>. Only letters, digits and <c>_ . -</c> before it, 15 characters at most (Linux's limit),
    /// so a pattern is a plain name to nft too: no quotes, no backslash, no wildcard in the middle.
    /// </summary>
    private static string[] InterfacePatterns(IReadOnlyList<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var pattern in patterns)
        {
            var name = pattern is null ? null : pattern.EndsWith('+') || pattern.EndsWith('*') ? pattern[..^1] : pattern;
            if (NameRules.Check("VPN interface pattern", name, 15, "_.-") is { } error)
            {
                throw new ArgumentException(error, nameof(patterns));
            }

            result.Add(name + (name!.Length == pattern!.Length ? string.Empty : "*"));
        }

        if (result.Count == 0)
        {
            throw new ArgumentException("No VPN interface is given; the table would judge nothing.", nameof(patterns));
        }

        return [.. result];
    }

    private static NftVerdictMap[] SessionMaps(
        IReadOnlyList<SessionBinding> sessions,
        Dictionary<string, string> chains)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var ipv4 = new SortedDictionary<UInt128, NftMapElement>();
        var ipv6 = new SortedDictionary<UInt128, NftMapElement>();
        foreach (var session in sessions)
        {
            ArgumentNullException.ThrowIfNull(session);
            ArgumentNullException.ThrowIfNull(session.ClientAddress);
            if (!chains.TryGetValue(session.ProfileName ?? string.Empty, out var chain))
            {
                throw new ArgumentException(
                    $"The session of {session.ClientAddress} has profile {InputText.Quote(session.ProfileName ?? string.Empty)}, which is not among the profiles given.",
                    nameof(sessions));
            }

            var address = Normalize(session.ClientAddress);
            var bits = AddressBits.FromAddress(address);
            var map = address.AddressFamily == AddressFamily.InterNetwork ? ipv4 : ipv6;
            if (!map.TryAdd(bits, new NftMapElement(bits, new NftVerdict(NftVerdictKind.Goto, chain))))
            {
                throw new ArgumentException($"Two sessions have the address {address}.", nameof(sessions));
            }
        }

        return
        [
            new NftVerdictMap(NftNames.Sessions4, NftKeyType.Ipv4Address, [.. ipv4.Values]),
            new NftVerdictMap(NftNames.Sessions6, NftKeyType.Ipv6Address, [.. ipv6.Values]),
        ];
    }

    /// <summary>Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d; the packet carries plain IPv4.</summary>
    internal static IPAddress Normalize(IPAddress address) =>
        address.AddressFamily switch
        {
            AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 => address.Unmapped(),
            _ => throw new ArgumentException($"{address} is neither an IPv4 nor an IPv6 address.", nameof(address)),
        };
}

using System.Net;
using System.Net.Sockets;
using Skyhook.Core.Addressing;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Gateway.Policy;

/// <summary>
/// Judges tracked connections the way the gateway's <c>inet skyhook</c> table judges the first packet
/// of a connection (<see cref="PolicyCompiler"/>), so that a connection the table would no longer let
/// open can be cut: its conntrack entry removed, after which its next packet is new to the table and
/// dropped. Not thread-safe; one instance serves one pass.
/// </summary>
/// <remarks>
/// In the table's order, for a connection opened from an address in a client pool:
/// <list type="number">
/// <item>no session holds the address: <c>from_vpn</c> drops it (<see cref="ConntrackVerdict.SessionEnded"/>);</item>
/// <item>to one of the gateway's own addresses: <c>to_gateway</c> takes DNS (tcp and udp 53) and ICMP only;</item>
/// <item>to another client pool address: <c>from_vpn</c> drops it (no VPN user reaches another);</item>
/// <item>else the session's profile: tcp and udp by destination port, icmp (ICMPv6 for IPv6) as
/// icmp, and every other protocol by the rules on <c>all</c> alone (<see cref="ProfileResolver"/>'s
/// "other" protocols), each through <see cref="PolicyEvaluator"/>, the access check's own verdicts.</item>
/// </list>
/// </remarks>
public sealed class ConntrackPolicy
{
    private const int DnsPort = 53;

    private readonly Dictionary<IPAddress, AccessProfile> _sessions;
    private readonly Dictionary<IPAddress, EndpointFacts> _endpoints;
    private readonly Cidr[] _clientPools;
    private readonly HashSet<IPAddress> _gatewayAddresses;
    private readonly Dictionary<AccessProfile, AccessProfile> _otherProtocols = new(ReferenceEqualityComparer.Instance);

    /// <param name="sessions">Each connected client's address and the profile it has now.</param>
    /// <param name="endpoints">What discovery knows of the container at each address; may be empty
    /// (then only cidr targets match, as in a table compiled without endpoints).</param>
    /// <param name="clientPools">The networks VPN client addresses come from (the gateway's client
    /// block): connections opened from them are judged, all others left alone.</param>
    /// <param name="gatewayAddresses">The gateway's own addresses in the namespace where conntrack is
    /// read, at least its address on the VPN tunnel: the table's input chain, not a profile, judges
    /// connections to them.</param>
    /// <exception cref="ArgumentException">A pool is <c>default(Cidr)</c>, or an argument holds a null.</exception>
    public ConntrackPolicy(
        IReadOnlyDictionary<IPAddress, AccessProfile> sessions,
        IReadOnlyDictionary<IPAddress, EndpointFacts> endpoints,
        IReadOnlyList<Cidr> clientPools,
        IReadOnlyCollection<IPAddress> gatewayAddresses)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(clientPools);
        ArgumentNullException.ThrowIfNull(gatewayAddresses);
        if (clientPools.Any(p => p.Family == AddressFamily.Unspecified))
        {
            throw new ArgumentException("A client pool is unset (default(Cidr)).", nameof(clientPools));
        }

        _sessions = new Dictionary<IPAddress, AccessProfile>(sessions.Count);
        foreach (var (address, profile) in sessions)
        {
            _sessions[address.Unmapped()] = profile ?? throw new ArgumentException($"The session of {address} has no profile.", nameof(sessions));
        }

        _endpoints = endpoints.ToDictionary(e => e.Key.Unmapped(), e => e.Value);
        _clientPools = [.. clientPools];
        _gatewayAddresses = gatewayAddresses.Select(AddressForms.Unmapped).ToHashSet();
    }

    /// <summary>
    /// The policy of the table compiled from <paramref name="input"/>: its sessions with their
    /// profiles, and its endpoints (an address two endpoints report takes the first one's facts).
    /// </summary>
    /// <exception cref="ArgumentException">A session names a profile that is not given, or two share an address.</exception>
    public static ConntrackPolicy From(PolicyCompilationInput input, IReadOnlyList<Cidr> clientPools, IReadOnlyCollection<IPAddress> gatewayAddresses)
    {
        ArgumentNullException.ThrowIfNull(input);
        var profiles = input.Profiles.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var sessions = new Dictionary<IPAddress, AccessProfile>();
        foreach (var session in input.Sessions)
        {
            if (!profiles.TryGetValue(session.ProfileName, out var profile))
            {
                throw new ArgumentException($"The session of {session.ClientAddress} has profile '{session.ProfileName}', which is not among the profiles given.", nameof(input));
            }

            if (!sessions.TryAdd(session.ClientAddress.Unmapped(), profile))
            {
                throw new ArgumentException($"Two sessions have the address {session.ClientAddress}.", nameof(input));
            }
        }

        return new ConntrackPolicy(sessions, DiscoveredEndpoint.FactsByAddress(input.Endpoints), clientPools, gatewayAddresses);
    }

    /// <summary>The client pools, for filtering a listing before it is judged.</summary>
    public IReadOnlyList<Cidr> ClientPools => _clientPools;

    public ConntrackVerdict Judge(ConntrackEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!InPool(entry.Source))
        {
            return ConntrackVerdict.NotOurs;
        }

        if (!_sessions.TryGetValue(entry.Source, out var profile))
        {
            return ConntrackVerdict.SessionEnded;
        }

        bool allowed;
        if (_gatewayAddresses.Contains(entry.Destination))
        {
            // to_gateway matches protocol numbers in either family: l4proto 1 and 58 are both accepted.
            allowed = entry.Protocol is ConntrackEntry.Icmp or ConntrackEntry.Icmpv6
                || (entry.Protocol is ConntrackEntry.Tcp or ConntrackEntry.Udp && entry.DestinationPort == DnsPort);
        }
        else
        {
            allowed = !InPool(entry.Destination) && Evaluate(profile, entry);
        }

        return allowed ? ConntrackVerdict.Allowed : ConntrackVerdict.Denied;
    }

    private bool Evaluate(AccessProfile profile, ConntrackEntry entry) =>
        Decide(profile, entry, _endpoints.GetValueOrDefault(entry.Destination), OtherProtocols).Allowed;

    /// <summary>
    /// The profile's decision for a connection to somewhere other than the gateway and the client
    /// pools, worded as the access check words it: tcp and udp by destination port, icmp (ICMPv6 for
    /// IPv6) as icmp, any other protocol by the rules on <c>all</c> alone.
    /// </summary>
    /// <param name="facts">The container at the destination, if discovery knows one.</param>
    /// <param name="rulesOnAll">The profile cut to its rules on <c>all</c> (a cache); null: made when needed.</param>
    public static AccessDecision Decide(AccessProfile profile, ConntrackEntry entry, EndpointFacts? facts, Func<AccessProfile, AccessProfile>? rulesOnAll = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(entry);
        var icmp = entry.Family == AddressFamily.InterNetwork ? ConntrackEntry.Icmp : ConntrackEntry.Icmpv6;
        return entry.Protocol switch
        {
            ConntrackEntry.Tcp => PolicyEvaluator.Evaluate(profile, new Destination(entry.Destination, Protocol.Tcp, entry.DestinationPort, facts)),
            ConntrackEntry.Udp => PolicyEvaluator.Evaluate(profile, new Destination(entry.Destination, Protocol.Udp, entry.DestinationPort, facts)),
            _ when entry.Protocol == icmp => PolicyEvaluator.Evaluate(profile, new Destination(entry.Destination, Protocol.Icmp, null, facts)),
            // Any other protocol (the other family's ICMP number included) is matched by the rules on
            // 'all' only. A rule on 'all' has no ports and matches every packet protocol, so an icmp
            // destination judged against just those rules gets their first match, or the base policy.
            _ => PolicyEvaluator.Evaluate(
                rulesOnAll?.Invoke(profile) ?? RulesOnAll(profile),
                new Destination(entry.Destination, Protocol.Icmp, null, facts)),
        };
    }

    private AccessProfile OtherProtocols(AccessProfile profile)
    {
        if (!_otherProtocols.TryGetValue(profile, out var rulesOnAll))
        {
            rulesOnAll = RulesOnAll(profile);
            _otherProtocols.Add(profile, rulesOnAll);
        }

        return rulesOnAll;
    }

    private static AccessProfile RulesOnAll(AccessProfile profile) =>
        new(profile.Name, profile.BasePolicy, [.. profile.Rules.Where(r => r.Protocol == Protocol.All)]);

    private bool InPool(IPAddress address)
    {
        foreach (var pool in _clientPools)
        {
            if (pool.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}

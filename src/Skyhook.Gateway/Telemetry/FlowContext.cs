using System.Globalization;
using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Policy;
using Skyhook.Gateway.Discovery;
using Skyhook.Gateway.Policy;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Vpn;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// What the flow and web sources need to name a connection: the session holding its source address
/// (<see cref="VpnSessions"/>), the container at its destination in the current discovery snapshot
/// (the one the policy table is compiled from), and the deciding rule of the user's profile in the
/// current desired state (<see cref="ConntrackPolicy.Decide"/>, the access check's own words). It
/// takes each desired state as a reconciler that changes nothing on the host. Thread-safe.
/// </summary>
public sealed class FlowContext(VpnSessions sessions, IEndpointSource? endpoints = null) : IDesiredStateReconciler
{
    private volatile ValidatedState? _state;
    private readonly EndpointFactsIndex _containers = new(endpoints);

    public string Name => "flow telemetry";

    public Task ApplyAsync(ValidatedState state, CancellationToken cancellationToken)
    {
        _state = state ?? throw new ArgumentNullException(nameof(state));
        return Task.CompletedTask;
    }

    /// <summary>
    /// The subject of a connection a VPN session opened to anything but the gateway's own tunnel
    /// address (its DNS is an event kind of its own); null for every other connection.
    /// </summary>
    public FlowSubject? Describe(ConntrackEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var session = sessions.AtAddress(entry.Source);
        var state = _state;
        if (session is null || (state is not null && state.ClientBlock.Contains(entry.Destination)))
        {
            return null;
        }

        var facts = _containers.Find(entry.Destination);
        var rule = state?.ProfileOf(session.UserName) is { } profile ? ConntrackPolicy.Decide(profile, entry, facts).Explanation : null;
        return new FlowSubject(
            session,
            ProtocolName(entry.Protocol),
            entry.Destination.Unmapped().ToString(),
            entry.Protocol is ConntrackEntry.Tcp or ConntrackEntry.Udp ? entry.DestinationPort : null,
            facts?.Container,
            facts?.Service,
            rule);
    }

    /// <summary>tcp, udp, icmp (ICMPv6 too, as the policy judges both as icmp), or the protocol number.</summary>
    public static string ProtocolName(int protocol) => protocol switch
    {
        ConntrackEntry.Tcp => "tcp",
        ConntrackEntry.Udp => "udp",
        ConntrackEntry.Icmp or ConntrackEntry.Icmpv6 => "icmp",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };
}

using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Vpn;

namespace Skyhook.Core.Groups;

/// <summary>
/// What every gateway of a group shares, by construction: the VPN settings and the container access.
/// Only the client address block differs per gateway, carved from <see cref="ClientPool"/>.
/// </summary>
public sealed record GatewayGroupSettings
{
    public const int DefaultPort = 1194;
    public static readonly Cidr DefaultClientPool = Cidr.Parse("192.168.43.0/24");
    public const int DefaultClientBlockPrefixLength = 24;
    public static readonly TimeSpan DefaultSessionLifetime = TimeSpan.FromHours(12);
    public static readonly TimeSpan MinSessionLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxSessionLifetime = TimeSpan.FromDays(30);
    public const bool DefaultHideUnreachableNames = true;

    public required string Name { get; init; }

    /// <summary>UDP by default; TCP for TCP load balancers.</summary>
    public VpnTransport Transport { get; init; } = VpnTransport.Udp;

    /// <summary>The port gateways listen on. Default 1194.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>
    /// Where clients connect when the gateways sit behind a load balancer: profiles then have this one
    /// <c>remote</c> line. Null (the default): every enrolled gateway's public endpoint, at <see cref="Port"/>.
    /// </summary>
    public VpnEndpoint? LoadBalancer { get; init; }

    public TunnelMode TunnelMode { get; init; } = TunnelMode.Split;

    /// <summary>Routed through the VPN besides the overlays in split tunnel (e.g. a VPC's service subnet).</summary>
    public IReadOnlyList<Cidr> AdditionalCidrs { get; init; } = [];

    /// <summary>
    /// Where the gateways' DNS forwards names that are not container names (empty: the gateway host's
    /// resolvers). Clients are given the gateway's own DNS, not these.
    /// </summary>
    public IReadOnlyList<IPAddress> Nameservers { get; init; } = [];

    /// <summary>The domains under which the gateways' DNS answers container names; pushed to clients as search domains.</summary>
    public IReadOnlyList<string> SearchDomains { get; init; } = [];

    /// <summary>
    /// Default true: names of containers the user's profile cannot reach answer NXDOMAIN for that user,
    /// so the name space does not leak the shape of the cluster. False: every user resolves every
    /// container name (access is still enforced by the policy).
    /// </summary>
    public bool HideUnreachableNames { get; init; } = DefaultHideUnreachableNames;

    /// <summary>
    /// VPN client addresses. Each gateway gets one block of <see cref="ClientBlockPrefixLength"/> from
    /// it, so gateways never hand out the same address. Default 192.168.43.0/24 with /24 blocks: the
    /// reference design's one gateway; widen it (e.g. 192.168.40.0/21) for more gateways.
    /// </summary>
    public Cidr ClientPool { get; init; } = DefaultClientPool;

    public int ClientBlockPrefixLength { get; init; } = DefaultClientBlockPrefixLength;

    /// <summary>How long a login lasts before the user must give a new code (the session token's lifetime). Default 12 h.</summary>
    public TimeSpan SessionLifetime { get; init; } = DefaultSessionLifetime;

    public IReadOnlyList<OverlayNetwork> Overlays { get; init; } = [];
}

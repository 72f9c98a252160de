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

    public required string Name { get; init; }

    /// <summary>UDP by default; TCP for TCP load balancers.</summary>
    public VpnTransport Transport { get; init; } = VpnTransport.Udp;

    /// <summary>The port gateways listen on. Default 1194.</summary>
    public int Port { get; init; } = DefaultPort;

    public TunnelMode TunnelMode { get; init; } = TunnelMode.Split;

    /// <summary>Routed through the VPN besides the overlays in split tunnel (e.g. a VPC's service subnet).</summary>
    public IReadOnlyList<Cidr> AdditionalCidrs { get; init; } = [];

    /// <summary>Pushed to clients; names under <see cref="SearchDomains"/> resolve containers.</summary>
    public IReadOnlyList<IPAddress> Nameservers { get; init; } = [];

    public IReadOnlyList<string> SearchDomains { get; init; } = [];

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

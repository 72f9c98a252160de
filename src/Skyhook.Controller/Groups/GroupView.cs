namespace Skyhook.Controller.Groups;

/// <summary>A gateway group as the API shows it: swarm join tokens are never returned, only <c>***</c>.</summary>
/// <param name="Nameservers">Where the gateways' DNS forwards names that are not container names (empty: the gateway host's resolvers). Clients are given the gateway's own DNS.</param>
/// <param name="HideUnreachableNames">True: names of containers the user's profile cannot reach answer NXDOMAIN for that user.</param>
/// <param name="LoadBalancer">Where profiles point clients (host:port) when the gateways sit behind a load balancer; null: every gateway's public endpoint.</param>
public sealed record GroupView(
    string Name,
    string Transport,
    int Port,
    string TunnelMode,
    IReadOnlyList<string> AdditionalCidrs,
    IReadOnlyList<string> Nameservers,
    IReadOnlyList<string> SearchDomains,
    string ClientPool,
    int ClientBlockPrefixLength,
    int SessionLifetimeSeconds,
    IReadOnlyList<OverlayView> Overlays,
    bool HideUnreachableNames,
    string? LoadBalancer,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record OverlayView(string Name, string Subnet, bool Enabled, SwarmJoinView? Join);

/// <param name="JoinToken">Always <c>***</c>: the token is stored encrypted and never shown again.</param>
public sealed record SwarmJoinView(string ManagerAddress, string JoinToken);

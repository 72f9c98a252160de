namespace Skyhook.Controller.Groups;

/// <summary>A gateway group as the API shows it: swarm join tokens are never returned, only <c>***</c>.</summary>
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
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record OverlayView(string Name, string Subnet, bool Enabled, SwarmJoinView? Join);

/// <param name="JoinToken">Always <c>***</c>: the token is stored encrypted and never shown again.</param>
public sealed record SwarmJoinView(string ManagerAddress, string JoinToken);

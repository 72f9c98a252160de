namespace Skyhook.Controller.Groups;

/// <summary>The stored form of a group's settings (JSON in <c>gateway_groups.settings</c>); join tokens encrypted.</summary>
/// <param name="HideUnreachableNames">Null in documents stored before the setting existed: read as true, its default.</param>
/// <param name="LoadBalancer">host:port (IPv6 in brackets), or null.</param>
public sealed record StoredGroupSettings(
    string Transport,
    int Port,
    string TunnelMode,
    IReadOnlyList<string> AdditionalCidrs,
    IReadOnlyList<string> Nameservers,
    IReadOnlyList<string> SearchDomains,
    string ClientPool,
    int ClientBlockPrefixLength,
    int SessionLifetimeSeconds,
    IReadOnlyList<StoredOverlay> Overlays,
    bool? HideUnreachableNames = null,
    string? LoadBalancer = null);

/// <param name="ProtectedJoinToken">The swarm join token encrypted with Data Protection, base64.</param>
public sealed record StoredOverlay(string Name, string Subnet, bool Enabled, string? ManagerAddress, string? ProtectedJoinToken);

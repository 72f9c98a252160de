namespace Skyhook.Controller.Groups;

/// <summary>
/// A gateway group as the API takes it, for create (POST) and replace (PUT; the name may be left
/// out, and cannot change). Fields left out take their defaults: UDP 1194, split tunnel, client pool
/// 192.168.43.0/24 in /24 blocks, sessions of 12 hours (43200 s), unreachable names hidden.
/// </summary>
/// <param name="Nameservers">Where the gateways' DNS forwards names that are not container names (empty: the gateway host's resolvers). Clients are given the gateway's own DNS.</param>
/// <param name="HideUnreachableNames">
/// Default true: names of containers the user's profile cannot reach answer NXDOMAIN for that user, so
/// the name space does not leak the shape of the cluster. False: every user resolves every container
/// name (access is still enforced by the policy).
/// </param>
/// <param name="LoadBalancer">
/// <c>host</c> or <c>host:port</c> (default port: the group's) of a TCP or UDP load balancer in front of
/// the gateways: profiles then have that one <c>remote</c> line. Left out or empty: every gateway's endpoint.
/// </param>
public sealed record GroupRequest(
    string? Name,
    string? Transport,
    int? Port,
    string? TunnelMode,
    IReadOnlyList<string?>? AdditionalCidrs,
    IReadOnlyList<string?>? Nameservers,
    IReadOnlyList<string?>? SearchDomains,
    string? ClientPool,
    int? ClientBlockPrefixLength,
    int? SessionLifetimeSeconds,
    IReadOnlyList<OverlayRequest?>? Overlays,
    bool? HideUnreachableNames = null,
    string? LoadBalancer = null);

/// <param name="Enabled">Default true.</param>
/// <param name="Join">How gateways join the swarm; leave out when the gateway hosts already are swarm nodes.</param>
public sealed record OverlayRequest(string? Name, string? Subnet, bool? Enabled, SwarmJoinRequest? Join);

/// <param name="JoinToken">The swarm worker join token. On PUT, <c>***</c> or leaving it out keeps the stored one of the overlay with the same name.</param>
public sealed record SwarmJoinRequest(string? ManagerAddress, string? JoinToken)
{
    public override string ToString() => $"SwarmJoinRequest {{ ManagerAddress = {ManagerAddress}, JoinToken = *** }}";
}

namespace Skyhook.Core.Contracts;

/// <summary>
/// GET /api/v1/gateway/config?after=REV (long poll): everything a gateway enforces, as one document.
/// Revision grows with every change that concerns the gateway's group; Hash is over the content
/// (see <see cref="DesiredStateHash"/>), so two gateways of a group that applied the same document
/// report the same hash and drift is visible at a glance. EndedSessions: the ids of sessions an admin
/// ended that could still be live (not yet expired); a gateway cuts them.
/// </summary>
public sealed record DesiredState(
    int ContractVersion,
    long Revision,
    string Hash,
    GatewayAssignment Gateway,
    GroupDocument Group,
    IReadOnlyList<ProfileDocument> Profiles,
    IReadOnlyList<UserDocument> Users,
    IReadOnlyList<string>? EndedSessions = null);

/// <summary>What is this gateway's own: its name and the client block carved for it from the group pool.</summary>
public sealed record GatewayAssignment(string Name, string ClientBlock, string PublicEndpoint);

/// <summary>The group's settings on the wire (ranges and addresses as text, parsed again by the gateway).</summary>
/// <param name="Nameservers">Where the gateway's DNS forwards names that are not container names; empty: the gateway host's resolvers.</param>
/// <param name="HideUnreachableNames">
/// Container names the user's profile cannot reach answer NXDOMAIN for that user. Last and optional so
/// that a document from a controller that predates it still reads (as true, the default).
/// </param>
public sealed record GroupDocument(
    string Name,
    string Transport,
    int Port,
    string TunnelMode,
    IReadOnlyList<string> AdditionalCidrs,
    IReadOnlyList<string> Nameservers,
    IReadOnlyList<string> SearchDomains,
    int SessionLifetimeSeconds,
    IReadOnlyList<OverlayDocument> Overlays,
    bool HideUnreachableNames = true);

/// <param name="JoinToken">The swarm worker join token when the gateway must join the swarm; a secret.</param>
public sealed record OverlayDocument(string Name, string Subnet, bool Enabled, string? ManagerAddress, string? JoinToken)
{
    public override string ToString() =>
        $"OverlayDocument {{ Name = {Name}, Subnet = {Subnet}, Enabled = {Enabled}, ManagerAddress = {ManagerAddress}, JoinToken = {(JoinToken is null ? "null" : "***")} }}";
}

/// <summary>A profile: base policy and its rules in their text form ("allow container web1 tcp 80"), in order.</summary>
public sealed record ProfileDocument(string Name, string BasePolicy, IReadOnlyList<string> Rules);

/// <summary>A user as the data path needs them: which profile judges their packets, and whether they may be connected at all.</summary>
public sealed record UserDocument(string Name, string? Profile, bool Enabled);

namespace Skyhook.Controller.Gateways;

/// <summary>
/// A gateway as the API shows it: never a token, credential or key.
/// </summary>
/// <param name="Status"><c>pending</c> (not enrolled yet), <c>online</c> (a heartbeat within Gateways:OfflineAfter) or <c>offline</c>.</param>
/// <param name="DesiredHash">The hash of the group's current desired state; every gateway of the group should report it.</param>
/// <param name="EventsPending">Events in the gateway's spool not yet stored here, as of its last heartbeat.</param>
/// <param name="EventsDropped">Events the gateway could not spool because its spool was full: anything above 0 is an alarm.</param>
/// <param name="Drift">True when the gateway reported a hash other than <paramref name="DesiredHash"/>: it is behind or failed to apply.</param>
public sealed record GatewayView(
    string Name,
    string Group,
    string PublicEndpoint,
    string ClientBlock,
    string Status,
    DateTimeOffset? LastHeartbeat,
    long? AppliedRevision,
    string? AppliedHash,
    string? ApplyError,
    int? Sessions,
    string? AgentVersion,
    string? DesiredHash,
    bool Drift,
    DateTimeOffset? JoinTokenExpiresAt,
    DateTimeOffset? EnrolledAt,
    DateTimeOffset CreatedAt,
    long EventsPending,
    long EventsDropped);

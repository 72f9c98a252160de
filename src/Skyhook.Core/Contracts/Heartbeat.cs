namespace Skyhook.Core.Contracts;

/// <summary>
/// POST /api/v1/gateway/heartbeat: what the gateway has applied. ApplyError is set when the last
/// desired state could not be applied and the gateway keeps enforcing the previous one. LiveSessions
/// lists the established VPN sessions (null from a gateway that does not report them).
/// </summary>
public sealed record Heartbeat(long AppliedRevision, string AppliedHash, string? ApplyError, int Sessions, string? Version, IReadOnlyList<LiveSession>? LiveSessions = null);

/// <summary>One established VPN session on a gateway: whose, its VPN address, where it comes from, since when.</summary>
public sealed record LiveSession(string SessionId, string UserName, string Address, string? PublicAddress, DateTimeOffset Since);

namespace Skyhook.Core.Contracts;

/// <summary>
/// POST /api/v1/gateway/heartbeat: what the gateway has applied. ApplyError is set when the last
/// desired state could not be applied and the gateway keeps enforcing the previous one.
/// </summary>
public sealed record Heartbeat(long AppliedRevision, string AppliedHash, string? ApplyError, int Sessions, string? Version);

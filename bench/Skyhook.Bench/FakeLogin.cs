namespace Skyhook.Bench;

/// <summary>
/// How the gateway answered one CONNECT of <see cref="FakeOpenVpnManagement"/>: the client id, the
/// timing, and from a client-auth the session token it pushed, or from a client-deny its reason.
/// </summary>
public sealed record FakeLogin(ulong ClientId, StormOutcome Outcome, string? SessionToken, string? Refusal);

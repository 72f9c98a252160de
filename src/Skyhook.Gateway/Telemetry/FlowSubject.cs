using Skyhook.Gateway.Vpn;

namespace Skyhook.Gateway.Telemetry;

/// <summary>Who opened a connection and what it reached, at one moment: the session, the container
/// then at the destination, and the policy's words for the decision (null when the user has no profile now).</summary>
public sealed record FlowSubject(VpnSession Session, string Protocol, string Destination, int? Port, string? Container, string? Service, string? Rule);

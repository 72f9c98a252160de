using Skyhook.Core.Contracts;
using Skyhook.Gateway.Vpn;

namespace Skyhook.Gateway.Telemetry;

/// <summary>Who opened a connection and what it reached, at one moment: the session, the container
/// then at the destination, and the policy's words for the decision (null when the user has no profile now).</summary>
public sealed record FlowSubject(VpnSession Session, string Protocol, string Destination, int? Port, string? Container, string? Service, string? Rule)
{
    /// <summary>An event of <paramref name="kind"/> about this connection: the common fields and what it reached.</summary>
    public TelemetryEvent ToEvent(string kind, DateTimeOffset at, string verdict) =>
        new(
            0,
            kind,
            at,
            Session.UserName,
            Session.Address.ToString(),
            Session.SessionId,
            Verdict: verdict,
            Rule: kind == EventKinds.Flow ? Rule : null,
            Protocol: Protocol,
            Destination: Destination,
            Port: Port,
            Container: Container,
            Service: Service);
}

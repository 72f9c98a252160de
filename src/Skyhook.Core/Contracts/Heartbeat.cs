namespace Skyhook.Core.Contracts;

/// <summary>
/// POST /api/v1/gateway/heartbeat: what the gateway has applied. ApplyError is set when the last
/// desired state could not be applied and the gateway keeps enforcing the previous one. LiveSessions
/// lists the established VPN sessions (null from a gateway that does not report them). Containers,
/// when not null, is the whole of what the gateway's discovery sees now (it replaces the last list
/// the controller has of this gateway); null means "unchanged": a gateway sends it when it changed,
/// and again now and then for a controller that restarted. EventsPending is the number of telemetry
/// events in the gateway's spool the controller has not acknowledged; EventsDropped the events the
/// gateway could not spool (full) and has not yet reported in a telemetry batch (0 from a gateway
/// without telemetry).
/// </summary>
public sealed record Heartbeat(
    long AppliedRevision,
    string AppliedHash,
    string? ApplyError,
    int Sessions,
    string? Version,
    IReadOnlyList<LiveSession>? LiveSessions = null,
    IReadOnlyList<ContainerReport>? Containers = null,
    long EventsPending = 0,
    long EventsDropped = 0);

/// <summary>One container as the gateway's discovery sees it: its overlay addresses and the facts rules match (see <c>EndpointFacts</c>).</summary>
public sealed record ContainerReport(
    IReadOnlyList<string> Addresses,
    string? Name,
    string? Service,
    IReadOnlyDictionary<string, string>? Labels,
    IReadOnlyList<string>? Networks);

/// <summary>One established VPN session on a gateway: whose, its VPN address, where it comes from, since when, and its traffic.</summary>
/// <param name="BytesFromClient">
/// Bytes the gateway received from the client since the session began (openvpn's "Bytes Received"
/// of the server's CLIENT_LIST): the user's uploads. Counted on the VPN transport, so encrypted and
/// with OpenVPN's own overhead, not the tunnelled payload. As of the gateway's last reading: 0 from a
/// gateway that does not report traffic, or before its first reading.
/// </param>
/// <param name="BytesToClient">Bytes the gateway sent to the client ("Bytes Sent"): the user's downloads; counted as <paramref name="BytesFromClient"/>.</param>
public sealed record LiveSession(string SessionId, string UserName, string Address, string? PublicAddress, DateTimeOffset Since, long BytesFromClient = 0, long BytesToClient = 0);

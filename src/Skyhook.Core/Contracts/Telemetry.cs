namespace Skyhook.Core.Contracts;

/// <summary>
/// POST /api/v1/gateway/events: a batch of a gateway's events, in ascending <see cref="TelemetryEvent.Sequence"/>.
/// The gateway writes every event to its disk spool first and ships it until the controller has
/// acknowledged it; the controller stores each (gateway, sequence) once, so a batch sent again after
/// a lost answer, a crash or an outage doubles nothing.
/// </summary>
/// <param name="Dropped">
/// Events the gateway could not spool since it last shipped (the spool was full): 0 normally. Not
/// silent: the controller records it as an alarm and the gateway logs it.
/// </param>
public sealed record TelemetryBatch(IReadOnlyList<TelemetryEvent> Events, long Dropped = 0)
{
    /// <summary>The most events one batch may carry; the controller refuses more.</summary>
    public const int MaxEvents = 5000;
}

/// <summary>
/// The controller's answer to a <see cref="TelemetryBatch"/>: the highest sequence it holds for the
/// gateway (stored now or before). The gateway trims its spool up to it and no further.
/// </summary>
public sealed record TelemetryAck(long Acknowledged);

/// <summary>The kinds of <see cref="TelemetryEvent"/>; also the <c>kind</c> filter of /api/v1/events.</summary>
public static class EventKinds
{
    /// <summary>A VPN session connected, disconnected or was refused (<see cref="TelemetryEvent.Action"/>).</summary>
    public const string Session = "session";

    /// <summary>One connection through the gateway, allowed (from conntrack, at its end) or denied (its first packet).</summary>
    public const string Flow = "flow";

    /// <summary>One DNS query to the gateway's resolver.</summary>
    public const string Dns = "dns";

    /// <summary>One web request: HTTP method, Host and path, or the TLS server name of an HTTPS connection.</summary>
    public const string Web = "web";

    /// <summary>An admin's change or a refused sign-in, recorded by the controller (never sent by a gateway).</summary>
    public const string Audit = "audit";

    public static readonly IReadOnlyList<string> All = [Session, Flow, Dns, Web, Audit];

    /// <summary>The kinds a gateway may send.</summary>
    public static readonly IReadOnlyList<string> FromGateways = [Session, Flow, Dns, Web];
}

/// <summary>Values of <see cref="TelemetryEvent.Action"/> for session events.</summary>
public static class SessionActions
{
    public const string Connect = "connect";
    public const string Disconnect = "disconnect";
    public const string Refused = "refused";
}

/// <summary>Values of <see cref="TelemetryEvent.Verdict"/>.</summary>
public static class Verdicts
{
    public const string Allowed = "allowed";
    public const string Denied = "denied";
}

/// <summary>
/// One thing a user did through a gateway, flat: every kind uses the common fields and the few of
/// the rest that say what it was (each documents the kinds that set it; the others are null).
/// Counted bytes are the tunnelled payload as the gateway forwarded it, "from client" being the
/// user's uploads. Never carries a password, code or token.
/// </summary>
/// <param name="Sequence">The gateway's number for the event, from 1, one more for each event it spools; 0 before it is spooled.</param>
/// <param name="Kind">One of <see cref="EventKinds"/>.</param>
/// <param name="At">When it happened: the login, the logout, the refusal; a connection's first packet; the query; the request.</param>
/// <param name="User">The VPN user's name (lower case); for a refused login, the name the client gave.</param>
/// <param name="VpnAddress">The session's VPN address; null for a refused login.</param>
/// <param name="SessionId">The controller's session id (32 hex digits), when there is one.</param>
/// <param name="Action">Session: <see cref="SessionActions"/>.</param>
/// <param name="Verdict">Flow, DNS (denied: the name was hidden from the user or the source held no session), web: <see cref="Verdicts"/>.</param>
/// <param name="Rule">Flow: what decided it, as the policy evaluator words it (the profile and the rule, or the profile's base policy).</param>
/// <param name="Protocol">Flow, web: <c>tcp</c>, <c>udp</c>, <c>icmp</c>, or the IP protocol number.</param>
/// <param name="Destination">Flow, web: the address the user reached for.</param>
/// <param name="Port">Flow, web: the destination port (null for protocols without ports).</param>
/// <param name="Container">Flow, web, DNS: the container that held the destination address (or the name's first address) at that moment.</param>
/// <param name="Service">Flow, web, DNS: that container's swarm service, if any.</param>
/// <param name="Name">DNS: the name asked. Web: the HTTP Host, or the TLS server name (SNI).</param>
/// <param name="QueryType">DNS: the query type, such as <c>A</c> or <c>AAAA</c>.</param>
/// <param name="ResultCode">DNS: the answer's code, such as <c>NOERROR</c> or <c>NXDOMAIN</c>.</param>
/// <param name="Answer">DNS: the addresses answered, comma-separated, when the gateway knows them.</param>
/// <param name="Method">Web: the HTTP method; null for TLS.</param>
/// <param name="Path">Web: the request target as sent (at most 2048 characters); null for TLS.</param>
/// <param name="Scheme">Web: <c>http</c> or <c>https</c>.</param>
/// <param name="PublicAddress">Session: where the client connected from.</param>
/// <param name="ClientVersion">Session: the client's version as it announced it (IV_VER).</param>
/// <param name="Reason">Session: why a login was refused, or why a session ended when the gateway knows.</param>
/// <param name="Ended">Session disconnect: the disconnect. Flow (allowed): the connection's end.</param>
/// <param name="BytesFromClient">Session disconnect, flow: bytes from the user.</param>
/// <param name="BytesToClient">Session disconnect, flow: bytes to the user.</param>
/// <param name="PacketsFromClient">Flow: packets from the user (for a denied flow, the packets refused).</param>
/// <param name="PacketsToClient">Flow: packets to the user.</param>
public sealed record TelemetryEvent(
    long Sequence,
    string Kind,
    DateTimeOffset At,
    string? User,
    string? VpnAddress,
    string? SessionId = null,
    string? Action = null,
    string? Verdict = null,
    string? Rule = null,
    string? Protocol = null,
    string? Destination = null,
    int? Port = null,
    string? Container = null,
    string? Service = null,
    string? Name = null,
    string? QueryType = null,
    string? ResultCode = null,
    string? Answer = null,
    string? Method = null,
    string? Path = null,
    string? Scheme = null,
    string? PublicAddress = null,
    string? ClientVersion = null,
    string? Reason = null,
    DateTimeOffset? Ended = null,
    long? BytesFromClient = null,
    long? BytesToClient = null,
    long? PacketsFromClient = null,
    long? PacketsToClient = null);

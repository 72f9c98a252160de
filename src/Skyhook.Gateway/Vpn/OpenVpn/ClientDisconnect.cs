namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// <c>&gt;CLIENT:DISCONNECT,{CID}</c> and its ENV block: the session is gone. The byte counters come
/// from <c>bytes_received</c> / <c>bytes_sent</c> (server's view); null when absent or not a number,
/// because a session that ended must still be reported as ended.
/// </summary>
public sealed record ClientDisconnect(ulong ClientId, ClientEnvironment Environment, ulong? BytesReceived, ulong? BytesSent) : ManagementEvent;

using Skyhook.Core.Contracts;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Vpn;

/// <summary>
/// The session events of telemetry: one connect when a session is established on this gateway (not
/// for renegotiations), one disconnect when it ends, one refused for each login turned away. They
/// carry names, addresses, versions and reasons; never the password, the code or the session token.
/// </summary>
public static class SessionEvents
{
    public static TelemetryEvent Connect(VpnSession session, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new TelemetryEvent(0, EventKinds.Session, at, session.UserName, session.Address.ToString(), session.SessionId,
            Action: SessionActions.Connect, PublicAddress: session.PublicAddress, ClientVersion: session.ClientVersion);
    }

    /// <param name="bytesFromClient">openvpn's count at the disconnect; null: the last status reading's.</param>
    public static TelemetryEvent Disconnect(VpnSession session, DateTimeOffset at, ulong? bytesFromClient, ulong? bytesToClient, string? reason)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new TelemetryEvent(0, EventKinds.Session, at, session.UserName, session.Address.ToString(), session.SessionId,
            Action: SessionActions.Disconnect, PublicAddress: session.PublicAddress, ClientVersion: session.ClientVersion,
            Reason: reason ?? session.EndReason, Ended: at,
            BytesFromClient: bytesFromClient is { } from ? (long)Math.Min(from, long.MaxValue) : session.BytesFromClient,
            BytesToClient: bytesToClient is { } to ? (long)Math.Min(to, long.MaxValue) : session.BytesToClient);
    }

    /// <param name="userName">The name the client gave, as it may be logged.</param>
    public static TelemetryEvent Refused(string userName, ClientEnvironment environment, DateTimeOffset at, string reason)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new TelemetryEvent(0, EventKinds.Session, at, userName, null,
            Action: SessionActions.Refused, PublicAddress: PublicAddressOf(environment), ClientVersion: ClientVersionOf(environment), Reason: reason);
    }

    /// <summary>untrusted_ip (or untrusted_ip6) when it is an address.</summary>
    public static string? PublicAddressOf(ClientEnvironment environment) =>
        System.Net.IPAddress.TryParse(environment?.UntrustedIp, out var address) ? address.ToString() : null;

    /// <summary>IV_VER made safe to store: the client chooses it.</summary>
    public static string? ClientVersionOf(ClientEnvironment environment) =>
        environment?.ClientVersion is { Length: > 0 } version ? ManagementText.ForLog(version, 64) : null;
}

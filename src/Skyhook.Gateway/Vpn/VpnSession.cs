using System.Net;

namespace Skyhook.Gateway.Vpn;

/// <summary>One OpenVPN client session on this gateway, from its admitted login to its disconnect.</summary>
/// <param name="RealAddress">Where the client's packets come from (untrusted_ip:untrusted_port), for openvpn's kill by address; null when not IPv4.</param>
/// <param name="SessionId">The controller's id of the session (see VpnAuthDecision); null when it gave none.</param>
public sealed record VpnSession(ulong ClientId, string UserName, string? Profile, IPAddress Address, IPEndPoint? RealAddress, DateTimeOffset Since, string? SessionId = null)
{
    public bool Established { get; set; }

    /// <summary>Bytes received from the client, as of the last <c>status</c> reading (0 before the first).</summary>
    public long BytesFromClient { get; set; }

    /// <summary>Bytes sent to the client, as of the last <c>status</c> reading (0 before the first).</summary>
    public long BytesToClient { get; set; }
}

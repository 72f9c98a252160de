using System.Net;

namespace Skyhook.Gateway.Vpn;

/// <summary>One OpenVPN client session on this gateway, from its admitted login to its disconnect.</summary>
/// <param name="RealAddress">Where the client's packets come from (untrusted_ip:untrusted_port), for openvpn's kill by address; null when not IPv4.</param>
/// <param name="SessionId">The controller's id of the session (see VpnAuthDecision); null when it gave none.</param>
public sealed record VpnSession(ulong ClientId, string UserName, string? Profile, IPAddress Address, IPEndPoint? RealAddress, DateTimeOffset Since, string? SessionId = null)
{
    public bool Established { get; set; }

    /// <summary>Where the client connected from (untrusted_ip or untrusted_ip6), as openvpn reported it at the login.</summary>
    public string? PublicAddress { get; init; }

    /// <summary>The client's version as it announced it (IV_VER), made safe for a log line.</summary>
    public string? ClientVersion { get; init; }

    /// <summary>
    /// The controller's revision when it admitted the session (null from a controller that does not
    /// say): a desired state older than this may not know the user yet, and cuts nothing for that.
    /// </summary>
    public long? AdmittedAt { get; init; }

    /// <summary>Why the gateway ended the session, when it did (a cut, a refused renegotiation); told with its disconnect.</summary>
    public string? EndReason { get; set; }

    /// <summary>Bytes received from the client, as of the last <c>status</c> reading (0 before the first).</summary>
    public long BytesFromClient { get; set; }

    /// <summary>Bytes sent to the client, as of the last <c>status</c> reading (0 before the first).</summary>
    public long BytesToClient { get; set; }
}

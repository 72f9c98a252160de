using System.Net;
using Skyhook.Core.Dns;

namespace Skyhook.Gateway.Dns;

/// <summary>
/// One query a VPN client asked and what it was told: who (tunnel address, and the user when a
/// session holds it), the name and type, the response code, where the answer came from, and the
/// container addresses given (for container names; forwarded answers are passed on unread).
/// </summary>
public sealed record DnsQueryEvent(
    DateTimeOffset Time,
    IPAddress Client,
    string? User,
    string Name,
    DnsRecordType Type,
    DnsResponseCode Code,
    DnsAnswerSource Source,
    IReadOnlyList<IPAddress> Addresses);

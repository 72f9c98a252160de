using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Skyhook.Gateway.Policy;

/// <summary>
/// One tracked connection as <c>conntrack -L</c> lists it, reduced to its original direction (the
/// packet that opened it): layer-3 family, protocol number, addresses, and the ports (tcp, udp and
/// the other protocols conntrack knows ports of) or the ICMP type, code and id. The reply direction
/// and the state are not kept: a verdict depends only on who opened the connection, and to what.
/// </summary>
public sealed record ConntrackEntry(
    AddressFamily Family,
    int Protocol,
    IPAddress Source,
    IPAddress Destination,
    int? SourcePort = null,
    int? DestinationPort = null,
    int? IcmpType = null,
    int? IcmpCode = null,
    int? IcmpId = null)
{
    public const int Icmp = 1;
    public const int Tcp = 6;
    public const int Udp = 17;
    public const int Icmpv6 = 58;

    /// <summary>Such as <c>tcp 10.8.0.2:40312 -> 10.0.0.12:80</c>, <c>icmp 10.8.0.2 -> 10.0.0.12 type 8 code 0 id 7</c> or <c>proto 47 10.8.0.2 -> 10.0.0.12</c>.</summary>
    public override string ToString() => Protocol switch
    {
        Tcp or Udp => string.Create(CultureInfo.InvariantCulture, $"{(Protocol == Tcp ? "tcp" : "udp")} {Endpoint(Source, SourcePort)} -> {Endpoint(Destination, DestinationPort)}"),
        _ when IcmpType is not null => string.Create(CultureInfo.InvariantCulture, $"{(Protocol == Icmp ? "icmp" : "icmpv6")} {Source} -> {Destination} type {IcmpType} code {IcmpCode} id {IcmpId}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"proto {Protocol} {Source} -> {Destination}"),
    };

    private static string Endpoint(IPAddress address, int? port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6
            ? string.Create(CultureInfo.InvariantCulture, $"[{address}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{address}:{port}");
}

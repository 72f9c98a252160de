using System.Net;

namespace Skyhook.Core.Addressing;

public static class AddressForms
{
    /// <summary>
    /// The address as packets, conntrack and rules carry it: dual-stack sockets report IPv4 peers as
    /// ::ffff:a.b.c.d, which must match 10.0.0.0/16 like 10.0.0.1 does.
    /// </summary>
    public static IPAddress Unmapped(this IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}

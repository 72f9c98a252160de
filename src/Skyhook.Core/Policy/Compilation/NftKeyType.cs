namespace Skyhook.Core.Policy.Compilation;

/// <summary>The nftables data types of set and map keys that the skyhook table uses.</summary>
public enum NftKeyType
{
    /// <summary><c>ipv4_addr</c>.</summary>
    Ipv4Address,

    /// <summary><c>ipv6_addr</c>.</summary>
    Ipv6Address,

    /// <summary><c>inet_proto</c>: an IP protocol number, 0 to 255.</summary>
    InetProto,

    /// <summary><c>inet_service</c>: a port, 0 to 65535.</summary>
    InetService,
}

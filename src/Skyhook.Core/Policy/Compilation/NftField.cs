namespace Skyhook.Core.Policy.Compilation;

/// <summary>The packet fields the skyhook table reads; each has one fixed nftables spelling.</summary>
public enum NftField
{
    /// <summary><c>ip saddr</c>: only IPv4 packets match a rule that reads it.</summary>
    IpSaddr,

    /// <summary><c>ip daddr</c>.</summary>
    IpDaddr,

    /// <summary><c>ip6 saddr</c>: only IPv6 packets match a rule that reads it.</summary>
    Ip6Saddr,

    /// <summary><c>ip6 daddr</c>.</summary>
    Ip6Daddr,

    /// <summary><c>meta l4proto</c>: the transport protocol after any IPv6 extension headers.</summary>
    L4Proto,

    /// <summary><c>th dport</c>: the destination port of whatever transport header follows.</summary>
    ThDport,
}

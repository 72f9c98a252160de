namespace Skyhook.Core.Policy;

/// <summary>
/// The protocol a rule applies to, or a packet's protocol; text forms tcp, udp, icmp and all.
/// <see cref="All"/> appears only in rules. <see cref="Icmp"/> covers ICMPv6 for IPv6 destinations.
/// </summary>
public enum Protocol
{
    Tcp,
    Udp,
    Icmp,
    All,
}

namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// What a profile says about one stretch of addresses once its rules are resolved: the tcp and udp
/// port ranges, and whether icmp and the other protocols, whose verdict differs from the base policy.
/// </summary>
internal sealed record ProtocolCell(NftRange[] Tcp, NftRange[] Udp, bool Icmp, bool Other)
{
    public bool IsEmpty => Tcp.Length == 0 && Udp.Length == 0 && !Icmp && !Other;

    // Two stretches of addresses merge into one element when their cells are equal by content.
    public bool Equals(ProtocolCell? other) =>
        other is not null
        && Icmp == other.Icmp
        && Other == other.Other
        && Tcp.AsSpan().SequenceEqual(other.Tcp)
        && Udp.AsSpan().SequenceEqual(other.Udp);

    public override int GetHashCode() => HashCode.Combine(Tcp.Length, Udp.Length, Icmp, Other);
}

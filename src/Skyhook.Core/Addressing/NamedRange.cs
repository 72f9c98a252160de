namespace Skyhook.Core.Addressing;

/// <summary>
/// An address range with the name an admin knows it by, such as
/// ("overlay multi-host-overlay", 10.0.0.0/16) or ("VPN pool gw1", 192.168.43.0/24), so that a
/// conflict can say which two things collide.
/// </summary>
public sealed record NamedRange(string Name, Cidr Range)
{
    /// <summary>The name followed by the range, as used in conflict messages.</summary>
    public override string ToString() => $"{Name} {Range}";
}

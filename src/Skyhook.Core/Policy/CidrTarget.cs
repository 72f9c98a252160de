using System.Net.Sockets;
using Skyhook.Core.Addressing;

namespace Skyhook.Core.Policy;

/// <summary>Addresses in a network, container or not: <c>cidr 10.0.3.0/24</c>.</summary>
public sealed record CidrTarget : RuleTarget
{
    /// <exception cref="ArgumentException">The range is <c>default(Cidr)</c>.</exception>
    public CidrTarget(Cidr range)
    {
        if (range.Family == AddressFamily.Unspecified)
        {
            throw new ArgumentException("The range is default(Cidr), not a network.", nameof(range));
        }

        Range = range;
    }

    public Cidr Range { get; }

    public override string ToString() => $"cidr {Range}";
}

using System.Net;
using System.Net.Sockets;

namespace Skyhook.Core.Addressing;

/// <summary>Orders addresses IPv4 first, then by their bytes (numeric order within a family).</summary>
public sealed class AddressComparer : IComparer<IPAddress>
{
    public static AddressComparer Instance { get; } = new();

    public int Compare(IPAddress? x, IPAddress? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }
        var family = Rank(x).CompareTo(Rank(y));
        if (family != 0)
        {
            return family;
        }
        var bytes = x.GetAddressBytes().AsSpan().SequenceCompareTo(y.GetAddressBytes());
        // ScopeId throws for IPv4.
        return bytes != 0 || x.AddressFamily == AddressFamily.InterNetwork ? bytes : x.ScopeId.CompareTo(y.ScopeId);
    }

    private static int Rank(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork ? 0 : 1;
}

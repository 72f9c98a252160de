using Skyhook.Core.Addressing;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Gateway.Discovery;

/// <summary>
/// Compares endpoints by content (the records compare their lists by reference): container name,
/// service, addresses, networks, labels, then aliases. The order is total, so a sorted list is one canonical
/// form and two reads of the same containers compare equal.
/// </summary>
public sealed class EndpointComparer : IComparer<DiscoveredEndpoint>, IEqualityComparer<DiscoveredEndpoint>
{
    public static EndpointComparer Instance { get; } = new();

    /// <summary>Whether two lists hold the same endpoints in the same order.</summary>
    public static bool SameEndpoints(IReadOnlyList<DiscoveredEndpoint> x, IReadOnlyList<DiscoveredEndpoint> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            return false;
        }
        for (var i = 0; i < x.Count; i++)
        {
            if (!Instance.Equals(x[i], y[i]))
            {
                return false;
            }
        }
        return true;
    }

    public int Compare(DiscoveredEndpoint? x, DiscoveredEndpoint? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }
        var result = string.CompareOrdinal(x.Facts.Container, y.Facts.Container);
        if (result == 0)
        {
            result = string.CompareOrdinal(x.Facts.Service, y.Facts.Service);
        }
        if (result == 0)
        {
            result = CompareSequences(x.Addresses, y.Addresses, AddressComparer.Instance.Compare);
        }
        if (result == 0)
        {
            result = CompareSequences(x.Facts.Networks, y.Facts.Networks, string.CompareOrdinal);
        }
        if (result == 0)
        {
            // Labels are compared in key order whatever dictionary holds them.
            result = CompareSequences(
                x.Facts.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).ToList(),
                y.Facts.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).ToList(),
                (a, b) => string.CompareOrdinal(a.Key, b.Key) is var key and not 0 ? key : string.CompareOrdinal(a.Value, b.Value));
        }
        if (result == 0)
        {
            result = CompareSequences(x.Aliases, y.Aliases, string.CompareOrdinal);
        }
        return result;
    }

    public bool Equals(DiscoveredEndpoint? x, DiscoveredEndpoint? y) => Compare(x, y) == 0;

    public int GetHashCode(DiscoveredEndpoint obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var hash = new HashCode();
        hash.Add(obj.Facts.Container, StringComparer.Ordinal);
        hash.Add(obj.Facts.Service, StringComparer.Ordinal);
        foreach (var address in obj.Addresses)
        {
            hash.Add(address);
        }
        return hash.ToHashCode();
    }

    private static int CompareSequences<T>(IReadOnlyList<T> x, IReadOnlyList<T> y, Func<T, T, int> compare)
    {
        for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            var result = compare(x[i], y[i]);
            if (result != 0)
            {
                return result;
            }
        }
        return x.Count.CompareTo(y.Count);
    }
}

using System.Net.Sockets;

namespace Skyhook.Core.Policy.Compilation;

/// <summary>The addresses a target covers now, per family, as sorted, disjoint, non-adjacent intervals.</summary>
internal sealed class AddressIntervals
{
    private AddressIntervals(NftRange[] ipv4, NftRange[] ipv6)
    {
        IPv4 = ipv4;
        IPv6 = ipv6;
    }

    public NftRange[] IPv4 { get; }

    public NftRange[] IPv6 { get; }

    public NftRange[] For(AddressFamily family) => family == AddressFamily.InterNetwork ? IPv4 : IPv6;

    public static AddressIntervals Of(IEnumerable<(UInt128 First, UInt128 Last, AddressFamily Family)> ranges)
    {
        var ipv4 = new List<NftRange>();
        var ipv6 = new List<NftRange>();
        foreach (var (first, last, family) in ranges)
        {
            (family == AddressFamily.InterNetwork ? ipv4 : ipv6).Add(new NftRange(first, last));
        }

        return new AddressIntervals(Merge(ipv4), Merge(ipv6));
    }

    private static NftRange[] Merge(List<NftRange> ranges)
    {
        ranges.Sort((a, b) => a.First.CompareTo(b.First));
        var merged = new List<NftRange>(ranges.Count);
        foreach (var range in ranges)
        {
            // Overlapping or touching intervals become one; the +1 cannot wrap because Last < First of a later one.
            if (merged.Count > 0 && (merged[^1].Last == UInt128.MaxValue || range.First <= merged[^1].Last + 1))
            {
                if (range.Last > merged[^1].Last)
                {
                    merged[^1] = new NftRange(merged[^1].First, range.Last);
                }

                continue;
            }

            merged.Add(range);
        }

        return [.. merged];
    }
}

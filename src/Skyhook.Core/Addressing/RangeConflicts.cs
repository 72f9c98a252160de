namespace Skyhook.Core.Addressing;

/// <summary>
/// Checks the ranges an admin enters (overlay networks, VPN pools, extra routed CIDRs) against each
/// other: an overlap means some addresses would be routed two ways.
/// </summary>
public static class RangeConflicts
{
    /// <summary>
    /// Every overlapping pair, each once, in input order (by the first range, then the second).
    /// Ranges of different families never overlap.
    /// </summary>
    public static IReadOnlyList<RangeConflict> Find(IEnumerable<NamedRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var list = ranges.ToList();
        if (list.Any(r => r is null))
        {
            throw new ArgumentException("The ranges contain a null entry.", nameof(ranges));
        }

        // Pairwise is fine: an admin's configuration holds tens of ranges, not thousands, and input
        // order keeps the report stable from one validation to the next.
        var conflicts = new List<RangeConflict>();
        for (var i = 0; i < list.Count; i++)
        {
            for (var j = i + 1; j < list.Count; j++)
            {
                if (list[i].Range.Overlaps(list[j].Range))
                {
                    conflicts.Add(new RangeConflict(list[i], list[j]));
                }
            }
        }

        return conflicts;
    }
}

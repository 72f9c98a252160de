namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// What turns the table the kernel holds into the next one: the elements to delete and to add in
/// its sets and verdict maps when nothing else differs, or the whole table when something does
/// (<see cref="ReplacesTable"/>). <see cref="NftJson.Render(NftTableDiff, bool)"/> renders it as
/// one <c>nft -j</c> transaction.
/// </summary>
/// <remarks>
/// The structure (table, chains and their rules, set and map declarations, all in order) is
/// compared by what <see cref="NftJson"/> writes for it with the elements left out, so that every
/// statement type the renderer knows is compared as nft would see it, with no equality of its own
/// to keep in step. Elements are compared by value: the common head and tail of the two lists
/// first (the compiler writes them in a stable order, so one change leaves most of a set in
/// place), then hash sets over what is left, so the cost is linear in the elements whatever
/// their order. Removed elements keep the applied table's order, added ones the next table's,
/// so the same two tables always give the same diff.
/// </remarks>
public sealed record NftTableDiff
{
    private NftTableDiff(NftTable next, bool replacesTable, IReadOnlyList<NftSetDiff> sets, IReadOnlyList<NftMapDiff> maps)
    {
        Next = next;
        ReplacesTable = replacesTable;
        Sets = sets;
        Maps = maps;
    }

    public NftTable Next { get; }

    /// <summary>True when elements alone cannot do it: no table was applied yet, or anything but
    /// the elements differs. The transaction is then the full replacement of <see cref="NftJson.Render(NftTable, bool)"/>.</summary>
    public bool ReplacesTable { get; }

    /// <summary>The sets whose elements change, in the table's order; empty when <see cref="ReplacesTable"/>.</summary>
    public IReadOnlyList<NftSetDiff> Sets { get; }

    /// <summary>The verdict maps whose entries change, in the table's order; empty when <see cref="ReplacesTable"/>.</summary>
    public IReadOnlyList<NftMapDiff> Maps { get; }

    /// <summary>True when the kernel already holds the next table: there is nothing to apply.</summary>
    public bool IsEmpty => !ReplacesTable && Sets.Count == 0 && Maps.Count == 0;

    /// <param name="applied">The table the kernel holds: the last one applied successfully, or null
    /// when none is (or when what the kernel holds is not known, after a failed apply).</param>
    /// <param name="next">The table the kernel should hold.</param>
    public static NftTableDiff Between(NftTable? applied, NftTable next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (applied is null || !SameStructure(applied, next))
        {
            return new NftTableDiff(next, true, [], []);
        }

        var sets = new List<NftSetDiff>();
        for (var i = 0; i < next.Sets.Count; i++)
        {
            var (removed, added) = Difference(applied.Sets[i].Elements, next.Sets[i].Elements);
            if (removed.Count > 0 || added.Count > 0)
            {
                sets.Add(new NftSetDiff(next.Sets[i], removed, added));
            }
        }

        var maps = new List<NftMapDiff>();
        for (var i = 0; i < next.Maps.Count; i++)
        {
            var (removed, added) = Difference(applied.Maps[i].Elements, next.Maps[i].Elements);
            if (removed.Count > 0 || added.Count > 0)
            {
                maps.Add(new NftMapDiff(next.Maps[i], removed, added));
            }
        }

        return new NftTableDiff(next, false, sets, maps);
    }

    private static bool SameStructure(NftTable applied, NftTable next) =>
        ReferenceEquals(applied, next)
        || (applied.Sets.Count == next.Sets.Count
            && applied.Maps.Count == next.Maps.Count
            && string.Equals(NftJson.Render(WithoutElements(applied)), NftJson.Render(WithoutElements(next)), StringComparison.Ordinal));

    private static NftTable WithoutElements(NftTable table) => table with
    {
        Sets = [.. table.Sets.Select(s => s with { Elements = [] })],
        Maps = [.. table.Maps.Select(m => m with { Elements = [] })],
    };

    /// <summary>The elements only in <paramref name="applied"/> and those only in <paramref name="next"/>.</summary>
    private static (List<T> Removed, List<T> Added) Difference<T>(IReadOnlyList<T> applied, IReadOnlyList<T> next)
        where T : IEquatable<T>
    {
        if (ReferenceEquals(applied, next))
        {
            return ([], []);
        }

        // The common head and tail need no hashing; usually they are all of it.
        var head = 0;
        var shorter = Math.Min(applied.Count, next.Count);
        while (head < shorter && applied[head].Equals(next[head]))
        {
            head++;
        }

        var tail = 0;
        while (tail < shorter - head && applied[applied.Count - 1 - tail].Equals(next[next.Count - 1 - tail]))
        {
            tail++;
        }

        var appliedMiddle = new HashSet<T>(applied.Count - head - tail);
        for (var i = head; i < applied.Count - tail; i++)
        {
            appliedMiddle.Add(applied[i]);
        }

        var nextMiddle = new HashSet<T>(next.Count - head - tail);
        for (var i = head; i < next.Count - tail; i++)
        {
            nextMiddle.Add(next[i]);
        }

        var removed = new List<T>();
        for (var i = head; i < applied.Count - tail; i++)
        {
            if (!nextMiddle.Contains(applied[i]))
            {
                removed.Add(applied[i]);
            }
        }

        var added = new List<T>();
        for (var i = head; i < next.Count - tail; i++)
        {
            if (!appliedMiddle.Contains(next[i]))
            {
                added.Add(next[i]);
            }
        }

        return (removed, added);
    }
}

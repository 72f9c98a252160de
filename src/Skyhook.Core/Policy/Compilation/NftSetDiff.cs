namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// The elements of one interval set that go (<see cref="Removed"/>, with exactly the bounds they were
/// added with) and that come (<see cref="Added"/>). An element whose bounds changed is in both
/// lists. Exact bounds are what nft documents for a delete; nft 1.0.6 also takes any value inside
/// a range and deletes the whole range, so a delete that named less than it meant would not fail
/// there, it would take too much.
/// </summary>
public sealed record NftSetDiff(NftSet Set, IReadOnlyList<NftSetElement> Removed, IReadOnlyList<NftSetElement> Added);

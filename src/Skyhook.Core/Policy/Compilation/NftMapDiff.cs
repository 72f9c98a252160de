namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// The entries of one verdict map that go and that come. A key whose verdict changed (a session
/// moved to another profile) is in both lists: its old entry removed, its new one added.
/// </summary>
public sealed record NftMapDiff(NftVerdictMap Map, IReadOnlyList<NftMapElement> Removed, IReadOnlyList<NftMapElement> Added);

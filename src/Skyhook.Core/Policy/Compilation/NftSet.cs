namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// A named interval set (<c>flags interval</c>) whose key is the concatenation of <see cref="KeyTypes"/>.
/// Its elements never overlap: the kernel refuses overlapping elements in a concatenated set.
/// </summary>
public sealed record NftSet(string Name, IReadOnlyList<NftKeyType> KeyTypes, IReadOnlyList<NftSetElement> Elements);

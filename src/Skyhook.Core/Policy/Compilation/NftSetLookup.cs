namespace Skyhook.Core.Policy.Compilation;

/// <summary><c>F1 . F2 . F3 @SET</c>: the concatenation of the packet's fields is in the set.</summary>
public sealed record NftSetLookup(IReadOnlyList<NftField> Fields, string SetName) : NftStatement;

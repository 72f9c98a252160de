namespace Skyhook.Core.Policy.Compilation;

/// <summary><c>F vmap @MAP</c>: the verdict stored for the field's value; no verdict when the value is absent.</summary>
public sealed record NftVerdictMapLookup(NftField Field, string MapName) : NftStatement;

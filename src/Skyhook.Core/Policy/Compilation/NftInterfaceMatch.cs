namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// <c>iifname "PATTERN"</c>, or <c>oifname "PATTERN"</c> when <paramref name="Output"/>: the input (or
/// output) interface's name; a trailing <c>*</c> matches any suffix.
/// </summary>
public sealed record NftInterfaceMatch(string Pattern, bool Output = false) : NftStatement;

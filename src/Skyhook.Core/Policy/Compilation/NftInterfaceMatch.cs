namespace Skyhook.Core.Policy.Compilation;

/// <summary><c>iifname "PATTERN"</c>: the input interface's name; a trailing <c>*</c> matches any suffix.</summary>
public sealed record NftInterfaceMatch(string Pattern) : NftStatement;

namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// One expression of a rule: a match that must hold, or the statement that ends the rule. The
/// subtypes are the closed set the skyhook table needs; the renderer and the tests' interpreter
/// switch on them.
/// </summary>
public abstract record NftStatement
{
    private protected NftStatement()
    {
    }
}

namespace Skyhook.Core.Policy.Compilation;

/// <summary>A rule: its statements in order; every match must hold for the last statement to run.</summary>
public sealed record NftRule(IReadOnlyList<NftStatement> Statements)
{
    public NftRule(params NftStatement[] statements)
        : this((IReadOnlyList<NftStatement>)statements)
    {
    }
}

namespace Skyhook.Controller.Storage;

/// <summary>
/// One rule of a profile in its canonical text form (<see cref="Core.Policy.AccessRule.ToString"/>),
/// which Core parses back: one spelling, validated by the same code that the CLI uses.
/// </summary>
public sealed class ProfileRuleEntity
{
    public int Id { get; set; }

    public int ProfileId { get; set; }

    /// <summary>0-based; the first matching rule decides.</summary>
    public int Position { get; set; }

    public required string Text { get; set; }
}

namespace Skyhook.Core.Addressing;

/// <summary>Two named ranges that share addresses; <see cref="First"/> came first in the input.</summary>
public sealed record RangeConflict(NamedRange First, NamedRange Second)
{
    /// <summary>A sentence naming both ranges, fit to show to an admin as is.</summary>
    public string Message => $"{First} overlaps {Second}";
}

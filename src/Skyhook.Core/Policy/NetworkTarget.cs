namespace Skyhook.Core.Policy;

/// <summary>Every container attached to a Docker network: <c>network multi-host-overlay</c>.</summary>
public sealed record NetworkTarget : RuleTarget
{
    /// <exception cref="ArgumentException">The name breaks Docker's naming rules.</exception>
    public NetworkTarget(string name)
    {
        var error = Check(name);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(name));
        }

        Name = name;
    }

    public string Name { get; }

    public override string ToString() => $"network {Name}";

    internal static string? Check(string? name) => NameRules.CheckDockerName("Network name", name);
}

namespace Skyhook.Core.Policy;

/// <summary>A container by name, wherever it runs: <c>container web1</c>.</summary>
public sealed record ContainerTarget : RuleTarget
{
    /// <exception cref="ArgumentException">The name breaks Docker's naming rules.</exception>
    public ContainerTarget(string name)
    {
        var error = Check(name);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(name));
        }

        Name = name;
    }

    public string Name { get; }

    public override string ToString() => $"container {Name}";

    internal static string? Check(string? name) => NameRules.CheckDockerName("Container name", name);
}

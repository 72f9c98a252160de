namespace Skyhook.Core.Policy;

/// <summary>Every task of a swarm service: <c>service api</c>.</summary>
public sealed record ServiceTarget : RuleTarget
{
    /// <exception cref="ArgumentException">The name breaks Docker's naming rules.</exception>
    public ServiceTarget(string name)
    {
        var error = Check(name);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(name));
        }

        Name = name;
    }

    public string Name { get; }

    public override string ToString() => $"service {Name}";

    internal static string? Check(string? name) => NameRules.CheckDockerName("Service name", name);
}

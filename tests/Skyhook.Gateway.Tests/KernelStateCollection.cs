namespace Skyhook.Gateway.Tests;

/// <summary>Tests that create namespaces, TUN devices and processes run one at a time, after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelStateCollection
{
    public const string Name = "kernel state";
}

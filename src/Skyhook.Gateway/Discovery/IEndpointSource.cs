using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Gateway.Discovery;

/// <summary>
/// The containers this gateway can route to, as discovery sees them now. The policy compiles name,
/// service, label and network targets against <see cref="Current"/>, and waits on
/// <see cref="WaitForChangeAsync"/> to follow containers that start, stop or move.
/// </summary>
public interface IEndpointSource
{
    public EndpointSnapshot Current { get; }

    /// <summary>Completes with the first snapshot whose version is above <paramref name="afterVersion"/>.</summary>
    public Task<EndpointSnapshot> WaitForChangeAsync(long afterVersion, CancellationToken cancellationToken);
}

/// <summary>The discovered endpoints at one moment; <paramref name="Version"/> grows with every change.</summary>
public sealed record EndpointSnapshot(long Version, IReadOnlyList<DiscoveredEndpoint> Endpoints)
{
    public static EndpointSnapshot Empty { get; } = new(0, []);
}

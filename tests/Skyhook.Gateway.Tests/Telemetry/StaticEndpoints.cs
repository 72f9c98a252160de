using Skyhook.Core.Policy.Compilation;
using Skyhook.Gateway.Discovery;

namespace Skyhook.Gateway.Tests.Telemetry;

/// <summary>Discovery that never changes: the endpoints given.</summary>
internal sealed class StaticEndpoints(params DiscoveredEndpoint[] endpoints) : IEndpointSource
{
    public EndpointSnapshot Current { get; } = new(1, endpoints);

    public async Task<EndpointSnapshot> WaitForChangeAsync(long afterVersion, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return Current;
    }
}

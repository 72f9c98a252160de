using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Gateway.Discovery;

/// <summary>
/// Which container holds an overlay address, in discovery's current snapshot: the table is built
/// once per snapshot version, on the first lookup after a change, so a per-query or per-flow lookup
/// costs one dictionary read. Without a source every lookup is null.
/// </summary>
public sealed class EndpointFactsIndex(IEndpointSource? source)
{
    private volatile Snapshot? _index;

    public EndpointFacts? Find(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (source?.Current is not { } current)
        {
            return null;
        }

        var index = _index;
        if (index is null || index.Version != current.Version)
        {
            // Two threads may build it at once after a change; either result is right.
            _index = index = new Snapshot(current.Version, DiscoveredEndpoint.FactsByAddress(current.Endpoints));
        }

        return index.ByAddress.GetValueOrDefault(address.Unmapped());
    }

    private sealed record Snapshot(long Version, Dictionary<IPAddress, EndpointFacts> ByAddress);
}

using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Policy;
using Skyhook.Gateway.Discovery;

namespace Skyhook.Gateway.Dns;

/// <summary>One discovery snapshot's containers by overlay address, for telling which container a name's answer was.</summary>
internal sealed class ContainerIndex
{
    private readonly Dictionary<IPAddress, EndpointFacts> _byAddress = [];

    public ContainerIndex(EndpointSnapshot snapshot)
    {
        Version = snapshot.Version;
        foreach (var endpoint in snapshot.Endpoints)
        {
            foreach (var address in endpoint.Addresses)
            {
                _byAddress.TryAdd(address.Unmapped(), endpoint.Facts);
            }
        }
    }

    public long Version { get; }

    public EndpointFacts? Find(IPAddress address) => _byAddress.GetValueOrDefault(address.Unmapped());
}

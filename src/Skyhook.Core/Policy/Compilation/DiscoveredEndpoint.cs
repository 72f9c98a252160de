using System.Net;
using Skyhook.Core.Addressing;

namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// A container as discovery sees it now: its addresses (IPv4 and IPv6, one per network it is on) and
/// the facts that name, service, label and network targets match.
/// </summary>
public sealed record DiscoveredEndpoint(IReadOnlyList<IPAddress> Addresses, EndpointFacts Facts)
{
    /// <summary>
    /// The container's network aliases on the overlays whose addresses count (Docker's embedded DNS
    /// answers them, and so does the gateway's resolver): lowercase, distinct, sorted ordinal. Policy
    /// does not use them; a rule names a container by its name.
    /// </summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The facts of the container at each address (IPv4-mapped addresses unmapped); an address two endpoints claim keeps the first one's.</summary>
    public static Dictionary<IPAddress, EndpointFacts> FactsByAddress(IEnumerable<DiscoveredEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var byAddress = new Dictionary<IPAddress, EndpointFacts>();
        foreach (var endpoint in endpoints)
        {
            foreach (var address in endpoint.Addresses)
            {
                byAddress.TryAdd(address.Unmapped(), endpoint.Facts);
            }
        }

        return byAddress;
    }
}

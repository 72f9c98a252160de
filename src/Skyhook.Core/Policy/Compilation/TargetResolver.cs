using System.Net.Sockets;
using Skyhook.Core.Addressing;

namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// The current addresses of each target, computed once per distinct target: many profiles name the
/// same containers, and each lookup walks every endpoint.
/// </summary>
internal sealed class TargetResolver
{
    private readonly List<(UInt128 Bits, AddressFamily Family, EndpointFacts Facts)> _endpoints = [];
    private readonly Dictionary<RuleTarget, AddressIntervals> _cache = [];

    public TargetResolver(IReadOnlyList<DiscoveredEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        foreach (var endpoint in endpoints)
        {
            ArgumentNullException.ThrowIfNull(endpoint);
            ArgumentNullException.ThrowIfNull(endpoint.Facts);
            ArgumentNullException.ThrowIfNull(endpoint.Addresses);
            foreach (var address in endpoint.Addresses)
            {
                ArgumentNullException.ThrowIfNull(address);
                var normal = PolicyCompiler.Normalize(address);
                _endpoints.Add((AddressBits.FromAddress(normal), normal.AddressFamily, endpoint.Facts));
            }
        }
    }

    public AddressIntervals Resolve(RuleTarget target)
    {
        if (_cache.TryGetValue(target, out var intervals))
        {
            return intervals;
        }

        intervals = target is CidrTarget cidr
            ? AddressIntervals.Of([(cidr.Range.Bits, cidr.Range.LastBits, cidr.Range.Family)])
            : AddressIntervals.Of(_endpoints
                .Where(e => TargetMatching.MatchesEndpoint(target, e.Facts))
                .Select(e => (e.Bits, e.Bits, e.Family)));
        _cache.Add(target, intervals);
        return intervals;
    }
}

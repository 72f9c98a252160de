using System.Collections.Immutable;
using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Gateway.Discovery;

/// <summary>
/// Builds endpoints in one canonical form: addresses distinct and sorted (IPv4 first), networks and
/// aliases distinct and sorted (aliases lowercase), labels sorted by key and without swarm's per-task
/// labels. Two reads of the same containers therefore give equal content, whatever order the engine
/// answered in.
/// </summary>
public static class DiscoveredEndpoints
{
    /// <summary>
    /// Labels swarm puts on every task container (service, task and node ids and names). They name one
    /// task, not a kind of workload, and a manager's task list does not carry them, so they are dropped
    /// to give a task the same facts from either source; the service name is in <see cref="EndpointFacts.Service"/>.
    /// </summary>
    public const string SwarmLabelPrefix = "com.docker.swarm.";

    public static DiscoveredEndpoint Create(
        IEnumerable<IPAddress> addresses,
        string? container,
        string? service,
        IEnumerable<KeyValuePair<string, string>> labels,
        IEnumerable<string> networks,
        IEnumerable<string>? aliases = null)
    {
        var sortedLabels = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            if (!key.StartsWith(SwarmLabelPrefix, StringComparison.Ordinal))
            {
                sortedLabels[key] = value;
            }
        }
        return new DiscoveredEndpoint(
            addresses.Distinct().Order(AddressComparer.Instance).ToArray(),
            new EndpointFacts(
                container,
                service,
                sortedLabels.ToImmutable(),
                networks.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray()))
        {
            // DNS names are case-insensitive; Docker keeps an alias as given.
            Aliases = (aliases ?? []).Select(a => a.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
        };
    }
}

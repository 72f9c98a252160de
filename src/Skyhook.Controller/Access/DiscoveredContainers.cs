using System.Collections.Concurrent;
using System.Net;
using Skyhook.Core.Contracts;
using Skyhook.Core.Policy;
using Skyhook.Core.Addressing;

namespace Skyhook.Controller.Access;

/// <summary>
/// What the gateways' discovery sees, as their heartbeats last said (<see cref="Heartbeat.Containers"/>),
/// so that the access check knows the container at an address, or the addresses of a name, as the
/// data path does. Kept in memory: a gateway sends its list again within a minute, so a restarted
/// controller (or another replica) knows it again soon; until then a name is unknown to it.
/// </summary>
public sealed class DiscoveredContainers
{
    public const int MaxContainers = 20_000;
    private const int MaxAddresses = 16;
    private const int MaxText = 255;
    private const int MaxLabels = 100;
    private const int MaxLabelValue = 4096;
    private const int MaxNetworks = 64;

    private readonly ConcurrentDictionary<int, IReadOnlyList<(IPAddress Address, EndpointFacts Facts)>> _byGateway = new();

    /// <summary>Null when the report is acceptable, else what is wrong with it (for the heartbeat's 400).</summary>
    public static string? Problem(IReadOnlyList<ContainerReport?> report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Count > MaxContainers)
        {
            return $"At most {MaxContainers} containers.";
        }
        foreach (var container in report)
        {
            if (container is null
                || container.Addresses is not { Count: > 0 and <= MaxAddresses } addresses
                || addresses.Any(a => !IPAddress.TryParse(a, out _))
                || container.Name is { Length: > MaxText }
                || container.Service is { Length: > MaxText }
                || container.Labels is { Count: > MaxLabels }
                || (container.Labels ?? new Dictionary<string, string>()).Any(l => l.Key.Length is 0 or > MaxText || l.Value is null || l.Value.Length > MaxLabelValue)
                || container.Networks is { Count: > MaxNetworks }
                || (container.Networks ?? []).Any(n => n is null || n.Length is 0 or > MaxText))
            {
                return $"Each container has 1 to {MaxAddresses} IP addresses, a name and a service of at most {MaxText} characters, "
                    + $"at most {MaxLabels} labels (keys of 1 to {MaxText} characters, values of at most {MaxLabelValue}) and at most {MaxNetworks} network names.";
            }
        }
        return null;
    }

    /// <summary>Replaces what <paramref name="gateway"/> reported before; the report passed <see cref="Problem"/>.</summary>
    public void Report(int gateway, IReadOnlyList<ContainerReport> report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _byGateway[gateway] = report
            .SelectMany(c => c.Addresses.Select(a => (Address: IPAddress.Parse(a).Unmapped(), Facts: new EndpointFacts(
                c.Name, c.Service, c.Labels ?? new Dictionary<string, string>(), c.Networks ?? []))))
            .ToList();
    }

    /// <summary>The container at <paramref name="address"/> as some gateway reported it, or null.</summary>
    public EndpointFacts? At(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var normalized = address.Unmapped();
        return All().Where(e => e.Address.Equals(normalized)).Select(e => e.Facts).FirstOrDefault();
    }

    /// <summary>
    /// The addresses of the container named <paramref name="name"/>, or else of the tasks of the
    /// service of that name, with their facts; in address order, each address once.
    /// </summary>
    public IReadOnlyList<(IPAddress Address, EndpointFacts Facts)> Named(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var all = All().ToList();
        var containers = all.Where(e => string.Equals(e.Facts.Container, name, StringComparison.Ordinal)).ToList();
        var found = containers.Count > 0 ? containers : all.Where(e => string.Equals(e.Facts.Service, name, StringComparison.Ordinal)).ToList();
        return found.DistinctBy(e => e.Address).OrderBy(e => e.Address.GetAddressBytes(), Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToList();
    }

    /// <summary>Forgets a gateway (removed).</summary>
    public void Forget(int gateway) => _byGateway.TryRemove(gateway, out _);

    private IEnumerable<(IPAddress Address, EndpointFacts Facts)> All() => _byGateway.Values.SelectMany(v => v);

}

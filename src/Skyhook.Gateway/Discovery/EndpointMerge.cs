using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Gateway.Discovery;

/// <summary>
/// Merges what every watched engine showed into one sorted endpoint list, one entry per container.
/// When two sources describe a container, the one closest to it wins:
/// <list type="number">
/// <item>an engine that answered its last read speaks for its own containers;</item>
/// <item>a manager's tasks fill in the nodes no answering engine speaks for (swarm tasks cluster-wide);</item>
/// <item>an engine that cannot be read now keeps its last known containers, except its swarm tasks
///   when a manager answers (the manager knows where those are now);</item>
/// <item>with no manager answering, the last known tasks of one that did.</item>
/// </list>
/// A task's labels are its service's labels overlaid with its container labels (a container label wins).
/// </summary>
public static class EndpointMerge
{
    public static IReadOnlyList<DiscoveredEndpoint> Merge(IReadOnlyList<EngineReading> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var current = readings.Where(r => r.Current).Select(r => r.View).ToList();
        var stale = readings.Where(r => !r.Current).Select(r => r.View).ToList();
        var liveNodes = current.Select(v => v.NodeId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var managerAnswers = current.Any(v => v.Swarm is not null);
        bool OnLiveNode(ObservedContainer c) => c.NodeId is not null && liveNodes.Contains(c.NodeId);

        var services = new Dictionary<string, ServiceFacts>(StringComparer.Ordinal);
        foreach (var (id, service) in current.Concat(stale).SelectMany(v => v.Swarm?.Services ?? new Dictionary<string, ServiceFacts>()))
        {
            services.TryAdd(id, service);
        }

        var chosen = new Dictionary<string, ObservedContainer>(StringComparer.Ordinal);
        void Take(IEnumerable<ObservedContainer> candidates)
        {
            foreach (var candidate in candidates)
            {
                chosen.TryAdd(candidate.Id, candidate);
            }
        }
        Take(current.SelectMany(v => v.Containers));
        Take((managerAnswers ? current : stale).SelectMany(v => v.Swarm?.Tasks ?? []).Where(t => !OnLiveNode(t)));
        Take(stale.SelectMany(v => v.Containers).Where(c => !OnLiveNode(c) && !(managerAnswers && c.ServiceId is not null)));

        return chosen.Values
            .Select(c => WithService(c, services))
            .Order(EndpointComparer.Instance)
            .ToList();
    }

    private static DiscoveredEndpoint WithService(ObservedContainer container, Dictionary<string, ServiceFacts> services)
    {
        if (container.ServiceId is null || !services.TryGetValue(container.ServiceId, out var service))
        {
            return container.Endpoint;
        }
        var facts = container.Endpoint.Facts;
        var labels = new Dictionary<string, string>(service.Labels, StringComparer.Ordinal);
        foreach (var (key, value) in facts.Labels)
        {
            labels[key] = value;
        }
        return DiscoveredEndpoints.Create(container.Endpoint.Addresses, facts.Container, facts.Service ?? service.Name, labels, facts.Networks);
    }
}

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
/// A container's aliases are the union of what the chosen source and every answering one say: an
/// engine knows them from inspecting its container, a manager from the task's network spec.
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

        var currentAliases = current.SelectMany(v => v.Containers.Concat(v.Swarm?.Tasks ?? []))
            .ToLookup(c => c.Id, c => c.Endpoint.Aliases, StringComparer.Ordinal);
        return chosen.Values
            .Select(c => Complete(c, services, currentAliases[c.Id].SelectMany(a => a)))
            .Order(EndpointComparer.Instance)
            .ToList();
    }

    /// <summary>The container with its service's name and labels, and the aliases every source gave it.</summary>
    private static DiscoveredEndpoint Complete(ObservedContainer container, Dictionary<string, ServiceFacts> services, IEnumerable<string> aliases)
    {
        var facts = container.Endpoint.Facts;
        var service = facts.Service;
        IEnumerable<KeyValuePair<string, string>> labels = facts.Labels;
        if (container.ServiceId is not null && services.TryGetValue(container.ServiceId, out var serviceFacts))
        {
            var merged = new Dictionary<string, string>(serviceFacts.Labels, StringComparer.Ordinal);
            foreach (var (key, value) in facts.Labels)
            {
                merged[key] = value;
            }
            labels = merged;
            service ??= serviceFacts.Name;
        }
        return DiscoveredEndpoints.Create(
            container.Endpoint.Addresses, facts.Container, service, labels, facts.Networks, container.Endpoint.Aliases.Concat(aliases));
    }
}

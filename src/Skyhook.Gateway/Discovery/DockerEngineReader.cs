using Docker.DotNet;
using Docker.DotNet.Models;
using Skyhook.Gateway.Docker;

namespace Skyhook.Gateway.Discovery;

/// <summary>Reads one engine through the Docker Engine API (Docker.DotNet) and maps the answers with <see cref="DockerMapping"/>.</summary>
public sealed class DockerEngineReader(string endpoint) : IEngineReader
{
    // What can change which containers are on an overlay, or their names and labels. Health checks,
    // execs and the like are left out by the engine rather than ignored here.
    private static readonly string[] Types = ["container", "network", "service"];
    private static readonly string[] Actions = ["create", "start", "die", "destroy", "rename", "update", "connect", "disconnect", "remove"];

    private readonly Lazy<DockerClient> _client = new(() => DockerEngine.CreateClient(endpoint));
    private readonly ContainerAliasCache _aliases = new();

    public string Endpoint => endpoint;

    public async Task<EngineView> ReadAsync(CancellationToken cancellationToken)
    {
        var client = _client.Value;
        var info = await client.System.GetSystemInfoAsync(cancellationToken);
        var nodeId = info.Swarm is { LocalNodeState: "active", NodeID: { Length: > 0 } id } ? id : null;
        // Containers before networks: every overlay a listed container is on is still listed after
        // it, unless it went away with the container.
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters(), cancellationToken);
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = Filter("driver", "overlay") }, cancellationToken);
        SwarmView? swarm = null;
        if (nodeId is not null && info.Swarm!.ControlAvailable)
        {
            var services = await client.Swarm.ListServicesAsync(cancellationToken: cancellationToken);
            var tasks = await client.Tasks.ListAsync(new TasksListParameters { Filters = Filter("desired-state", "running") }, cancellationToken);
            swarm = DockerMapping.Swarm(services, tasks);
        }
        // Mapped once to learn which containers are on an overlay (only those are inspected for
        // their aliases), then again with the aliases.
        var onOverlays = DockerMapping.Containers(containers, networks, nodeId).Select(c => c.Id).ToList();
        var aliases = await _aliases.RefreshAsync(onOverlays, (id, token) => InspectAliasesAsync(client, id, networks, token), cancellationToken);
        return new EngineView(nodeId, DockerMapping.Containers(containers, networks, nodeId, aliases), swarm);
    }

    public Task WatchAsync(Action<string> onEvent, CancellationToken cancellationToken)
    {
        var parameters = new ContainerEventsParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = Types.ToDictionary(t => t, _ => true),
                ["event"] = Actions.ToDictionary(a => a, _ => true),
            },
        };
        return _client.Value.System.MonitorEventsAsync(parameters, new Callback(onEvent), cancellationToken);
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    private static async Task<IReadOnlyList<string>?> InspectAliasesAsync(
        DockerClient client, string id, IList<NetworkResponse> networks, CancellationToken cancellationToken)
    {
        try
        {
            return DockerMapping.OverlayAliases(await client.Containers.InspectContainerAsync(id, cancellationToken), networks);
        }
        catch (DockerContainerNotFoundException)
        {
            // Removed between list and inspect; the next list will not show it.
            return null;
        }
    }

    private static Dictionary<string, IDictionary<string, bool>> Filter(string key, string value) =>
        new() { [key] = new Dictionary<string, bool> { [value] = true } };

    /// <summary>Called on the stream's reading thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Callback(Action<string> onEvent) : IProgress<Message>
    {
        public void Report(Message value) =>
            onEvent($"{value.Type} {value.Action} {(value.Actor?.Attributes is { } a && a.TryGetValue("name", out var name) ? name : value.Actor?.ID)}");
    }
}

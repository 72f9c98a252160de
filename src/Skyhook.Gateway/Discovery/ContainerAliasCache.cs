using System.Collections.Concurrent;

namespace Skyhook.Gateway.Discovery;

/// <summary>
/// One engine's containers' overlay aliases by container id. Only inspecting a container shows them,
/// and they do not change while the container lives on a network, so each container is inspected
/// once: later reads inspect only containers not seen before, and forget the ones no longer listed.
/// </summary>
public sealed class ContainerAliasCache
{
    /// <summary>Inspections in flight at once: enough for a host's start-up burst, little load on dockerd.</summary>
    public const int MaxConcurrentInspections = 4;

    private readonly Dictionary<string, IReadOnlyList<string>> _byId = new(StringComparer.Ordinal);

    /// <summary>
    /// The aliases of <paramref name="containerIds"/> (the listed containers with an overlay address).
    /// <paramref name="inspect"/> answers a container's aliases, or null when it went away between
    /// list and inspect: that container has no aliases this round and is asked again next time.
    /// Calls must not overlap (one engine is read by one loop).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> RefreshAsync(
        IReadOnlyCollection<string> containerIds,
        Func<string, CancellationToken, Task<IReadOnlyList<string>?>> inspect,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(containerIds);
        ArgumentNullException.ThrowIfNull(inspect);
        var listed = containerIds.ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _byId.Keys.Where(id => !listed.Contains(id)).ToList())
        {
            _byId.Remove(gone);
        }

        var found = new ConcurrentDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            listed.Where(id => !_byId.ContainsKey(id)),
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentInspections, CancellationToken = cancellationToken },
            async (id, token) =>
            {
                if (await inspect(id, token) is { } aliases)
                {
                    found[id] = aliases;
                }
            });
        foreach (var (id, aliases) in found)
        {
            _byId[id] = aliases;
        }

        return new Dictionary<string, IReadOnlyList<string>>(_byId, StringComparer.Ordinal);
    }
}

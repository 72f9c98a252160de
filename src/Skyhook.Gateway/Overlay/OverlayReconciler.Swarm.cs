using Docker.DotNet;
using Docker.DotNet.Models;
using Skyhook.Core.Contracts;

namespace Skyhook.Gateway.Overlay;

public sealed partial class OverlayReconciler
{
    /// <summary>
    /// Where the gateway notes the swarm node id it joined as. It is the one fact the host cannot
    /// tell: whether the membership is Skyhook's (and may be left) or an admin's (and may not).
    /// </summary>
    private string SwarmMarkerPath => Path.Combine(_options.StateDirectory, "swarm-joined");

    /// <summary>Joins the swarm as a worker when the engine is not in one and an overlay says how; null when in the swarm, else why not.</summary>
    private async Task<string?> EnsureSwarmAsync(IReadOnlyList<OverlayDocument> enabled, CancellationToken cancellationToken)
    {
        var swarm = (await _docker.System.GetSystemInfoAsync(cancellationToken)).Swarm;
        var state = swarm?.LocalNodeState;
        if (state == "active")
        {
            return null;
        }
        var join = enabled.FirstOrDefault(o => !string.IsNullOrEmpty(o.ManagerAddress) && !string.IsNullOrEmpty(o.JoinToken));
        if (state != "inactive")
        {
            return $"the Docker engine's swarm state is '{state}', neither in a swarm nor out of one; it needs an admin";
        }
        if (join is null)
        {
            return "the Docker engine is not in a swarm, and no overlay gives a manager address and join token to join with";
        }

        Log.JoiningSwarm(_logger, join.ManagerAddress!);
        try
        {
            await _docker.Swarm.JoinSwarmAsync(
                new SwarmJoinParameters
                {
                    JoinToken = join.JoinToken,
                    RemoteAddrs = [join.ManagerAddress],
                    ListenAddr = _options.SwarmListenAddress,
                    AdvertiseAddr = _options.SwarmAdvertiseAddress,
                },
                cancellationToken);
        }
        catch (DockerApiException ex)
        {
            // The engine's message never carries the token, but mask it anyway: it is a secret.
            var message = DockerMessage(ex).Replace(join.JoinToken!, "***", StringComparison.Ordinal);
            return $"joining the swarm at {join.ManagerAddress} failed: {message}";
        }
        var nodeId = (await _docker.System.GetSystemInfoAsync(cancellationToken)).Swarm?.NodeID ?? "";
        Directory.CreateDirectory(_options.StateDirectory);
        await File.WriteAllTextAsync(SwarmMarkerPath, nodeId + "\n", cancellationToken);
        Log.JoinedSwarm(_logger, join.ManagerAddress!, nodeId);
        return null;
    }

    /// <summary>
    /// Leaves the swarm when Skyhook joined it (the marker names this node) and nothing needs it any
    /// more. The node entry stays on the managers as "down": a worker cannot remove it; the
    /// controller (or the lab) does with `docker node rm`.
    /// </summary>
    private async Task LeaveSwarmIfJoinedAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(SwarmMarkerPath))
        {
            return;
        }
        var joinedAs = (await File.ReadAllTextAsync(SwarmMarkerPath, cancellationToken)).Trim();
        var swarm = (await _docker.System.GetSystemInfoAsync(cancellationToken)).Swarm;
        if (swarm?.LocalNodeState == "active" && swarm.NodeID == joinedAs)
        {
            await _docker.Swarm.LeaveSwarmAsync(new SwarmLeaveParameters { Force = false }, cancellationToken);
            Log.LeftSwarm(_logger, joinedAs);
        }
        // Left now, or earlier by hand, or rejoined by someone else as another node: not ours any more.
        File.Delete(SwarmMarkerPath);
    }
}

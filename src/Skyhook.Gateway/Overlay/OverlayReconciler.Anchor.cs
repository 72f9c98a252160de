using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Skyhook.Core.Addressing;

namespace Skyhook.Gateway.Overlay;

public sealed partial class OverlayReconciler
{
    private static readonly TimeSpan AnchorStartTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The running anchor of one overlay: its container, the process whose namespace it is, its overlay address.</summary>
    private sealed record Anchor(string Id, long Pid, string OverlayAddress);

    /// <summary>
    /// Adopts the running anchor that is on the overlay, or (re)creates it; removes any other
    /// container carrying the overlay's anchor label (stopped, detached, duplicated by hand).
    /// </summary>
    private async Task<Anchor> EnsureAnchorAsync(string network, Cidr subnet, CancellationToken cancellationToken)
    {
        Anchor? kept = null;
        foreach (var container in await AnchorContainersAsync(network, cancellationToken))
        {
            var inspected = await _docker.Containers.InspectContainerAsync(container.ID, cancellationToken);
            if (kept is null && AsAnchor(inspected, network) is { } anchor)
            {
                kept = anchor;
                continue;
            }
            await _docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
            Log.AnchorRemoved(_logger, network, container.ID, kept is null ? "not running on the overlay" : "a duplicate");
        }
        if (kept is not null)
        {
            await CheckNetworkAsync(network, subnet, cancellationToken);
            Log.AnchorAdopted(_logger, network, kept.Id);
            return kept;
        }
        return await CreateAnchorAsync(network, subnet, cancellationToken);
    }

    private async Task<Anchor> CreateAnchorAsync(string network, Cidr subnet, CancellationToken cancellationToken)
    {
        await EnsureImageAsync(cancellationToken);
        var name = OverlayNames.AnchorContainer(network);
        CreateContainerResponse created;
        try
        {
            created = await _docker.Containers.CreateContainerAsync(
                new CreateContainerParameters
                {
                    Name = name,
                    Hostname = "skyhook-anchor",
                    Image = _options.AnchorImage,
                    Cmd = ["sleep", "infinity"],
                    // sleep as PID 1 ignores SIGTERM: stopping the anchor need not wait 10 s for nothing.
                    StopSignal = "SIGKILL",
                    Labels = new Dictionary<string, string> { [OverlayNames.AnchorLabel] = network },
                    HostConfig = new HostConfig
                    {
                        NetworkMode = network,
                        RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.UnlessStopped },
                    },
                },
                cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            throw new OverlayException(
                $"overlay '{network}': a container named {name} exists without the label {OverlayNames.AnchorLabel}={network}; "
                + "it is not Skyhook's anchor: remove or rename it", ex);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new OverlayException(NetworkMissing(network, DockerMessage(ex)), ex);
        }

        // From here on a failure removes the container again: nothing half-created stays behind.
        try
        {
            try
            {
                await _docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
            }
            catch (DockerApiException ex)
            {
                // On a worker the engine only learns that a swarm network is missing when it asks the
                // managers to attach: the error comes from the start, as a 500 with a NotFound inside.
                var message = DockerMessage(ex);
                throw new OverlayException(
                    ex.StatusCode == HttpStatusCode.NotFound || message.Contains("not found", StringComparison.OrdinalIgnoreCase)
                        ? NetworkMissing(network, message)
                        : $"overlay '{network}': the anchor container could not start: {message}",
                    ex);
            }
            var deadline = _time.GetUtcNow() + AnchorStartTimeout;
            while (true)
            {
                var inspected = await _docker.Containers.InspectContainerAsync(created.ID, cancellationToken);
                if (AsAnchor(inspected, network) is { } anchor)
                {
                    await CheckNetworkAsync(network, subnet, cancellationToken);
                    Log.AnchorCreated(_logger, network, anchor.Id, anchor.OverlayAddress);
                    return anchor;
                }
                if (_time.GetUtcNow() > deadline)
                {
                    throw new OverlayException($"overlay '{network}': the anchor container {name} did not run on the overlay within "
                        + $"{AnchorStartTimeout.TotalSeconds:0} s (state {inspected.State?.Status})");
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OverlayException or DockerApiException or HttpRequestException)
        {
            await _docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
            throw;
        }
    }

    private static string NetworkMissing(string network, string detail) =>
        $"overlay network '{network}' does not exist on this swarm, or is not attachable ({detail})";

    /// <summary>
    /// The network must be a swarm overlay whose subnet is the desired one: the host routes the desired
    /// subnet into it. Readable on a worker once the anchor is attached.
    /// </summary>
    private async Task CheckNetworkAsync(string network, Cidr subnet, CancellationToken cancellationToken)
    {
        var inspected = await _docker.Networks.InspectNetworkAsync(network, cancellationToken);
        if (inspected.Driver != "overlay")
        {
            throw new OverlayException($"network '{network}' is a {inspected.Driver} network, not a swarm overlay");
        }
        var subnets = (inspected.IPAM?.Config ?? []).Select(c => c.Subnet).Where(s => !string.IsNullOrEmpty(s)).ToList();
        if (!subnets.Any(s => Cidr.TryParse(s, out var cidr, out _) && cidr == subnet))
        {
            throw new OverlayException($"overlay network '{network}' has subnet {string.Join(", ", subnets)}, not {subnet} as configured");
        }
    }

    private static Anchor? AsAnchor(ContainerInspectResponse container, string network)
    {
        if (container.State is not { Running: true, Pid: > 0 } state)
        {
            return null;
        }
        if (container.NetworkSettings?.Networks is not { } networks
            || !networks.TryGetValue(network, out var endpoint)
            || string.IsNullOrEmpty(endpoint.IPAddress))
        {
            return null;
        }
        return new Anchor(container.ID, state.Pid, endpoint.IPAddress);
    }

    private async Task<IList<ContainerListResponse>> AnchorContainersAsync(string? network, CancellationToken cancellationToken) =>
        await _docker.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool>
                    {
                        [network is null ? OverlayNames.AnchorLabel : OverlayNames.AnchorLabel + "=" + network] = true,
                    },
                },
            },
            cancellationToken);

    private async Task EnsureImageAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _docker.Images.InspectImageAsync(_options.AnchorImage, cancellationToken);
            return;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            Log.PullingImage(_logger, _options.AnchorImage);
        }
        await _docker.Images.CreateImageAsync(
            new ImagesCreateParameters { FromImage = _options.AnchorImage }, authConfig: null, new Progress<JSONMessage>(), cancellationToken);
    }

    private async Task RemoveAnchorsAsync(string network, CancellationToken cancellationToken)
    {
        foreach (var container in await AnchorContainersAsync(network, cancellationToken))
        {
            await _docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
            Log.AnchorRemoved(_logger, network, container.ID, "the overlay is not wanted");
        }
    }
}

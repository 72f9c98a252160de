using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skyhook.Core.Addressing;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Docker;
using Skyhook.Linux;

namespace Skyhook.Gateway.Overlay;

/// <summary>
/// Makes the host match the desired overlays: per enabled overlay an anchor container on the overlay,
/// a veth from the host into the anchor's namespace with a link-local /30, the overlay subnet routed
/// over it, masquerade to the anchor's overlay address inside the anchor, and DOCKER-USER accepts
/// between the VPN interfaces and the veth. Disabled or dropped overlays lose all of it, and the
/// swarm membership when the gateway joined for them. Every step reads the host before it writes, and
/// every thing is found again by its name or label, so an apply after a restart, a hand edit or
/// another apply changes only what differs.
/// </summary>
public sealed partial class OverlayReconciler : IDisposable
{
    private readonly OverlayOptions _options;
    private readonly DockerClient _docker;
    private readonly ProcessRunner _runner;
    private readonly NetworkCommands _host;
    private readonly DockerUserRules _dockerUser;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Cidr _linkBlock;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public OverlayReconciler(IOptions<OverlayOptions> options, ProcessRunner runner, ILogger<OverlayReconciler> logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        if (!Cidr.TryParse(_options.LinkBlock, out _linkBlock, out var error)
            || _linkBlock.Family != AddressFamily.InterNetwork
            || !Cidr.Parse("169.254.0.0/16").Contains(_linkBlock)
            || _linkBlock.PrefixLength > 30)
        {
            throw new OptionsValidationException(nameof(OverlayOptions), typeof(OverlayOptions),
                [$"Overlay:LinkBlock '{_options.LinkBlock}' must be an IPv4 block of at least a /30 inside 169.254.0.0/16 {error}".Trim()]);
        }
        _runner = runner;
        _logger = logger;
        _time = timeProvider;
        _docker = DockerEngine.CreateClient(_options.DockerEndpoint);
        _host = new NetworkCommands(runner, _options.HostNetworkNamespace);
        _dockerUser = new DockerUserRules(_host);
    }

    /// <summary>
    /// Applies the desired overlays. The whole list is validated first (an invalid one throws
    /// <see cref="OverlayException"/> and nothing is touched); then each overlay is attached or
    /// detached on its own, and one that fails is reported in its status, not thrown, so that the
    /// others still converge.
    /// </summary>
    public async Task<OverlayReport> ApplyAsync(IReadOnlyList<OverlayDocument> overlays, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(overlays);
        Validate(overlays);
        var enabled = overlays.Where(o => o.Enabled).ToList();
        if (enabled.Count == 0 && !EngineSocketExists())
        {
            // A gateway without container access on a host without Docker: nothing can be attached,
            // and nothing of ours can be on an engine that is not there.
            return new OverlayReport([], SwarmJoinedBySkyhook: false);
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var errors = new Dictionary<string, string>(StringComparer.Ordinal);

            // A node outside the swarm cannot attach to an overlay: the swarm comes first.
            var swarmError = enabled.Count > 0 ? await EnsureSwarmAsync(enabled, cancellationToken) : null;
            foreach (var overlay in enabled)
            {
                if (swarmError is not null)
                {
                    errors[overlay.Name] = swarmError;
                    continue;
                }
                await Guard(overlay.Name, errors, () => EnsureOverlayAsync(overlay, cancellationToken));
            }

            // Detach whatever is on the host and not wanted: disabled, or gone from the desired state.
            var wanted = enabled.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
            var present = await DiscoverAsync(cancellationToken);
            foreach (var name in present.Where(n => !wanted.Contains(n)))
            {
                await Guard(name, errors, () => RemoveOverlayAsync(name, cancellationToken));
            }
            if (enabled.Count == 0)
            {
                await Guard("swarm", errors, () => LeaveSwarmIfJoinedAsync(cancellationToken));
            }
            return await ObserveAsync(overlays, errors, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>What the host shows now for the given overlays and any other overlay Skyhook attached.</summary>
    public async Task<OverlayReport> ObserveAsync(IReadOnlyList<OverlayDocument> overlays, CancellationToken cancellationToken) =>
        await ObserveAsync(overlays, new Dictionary<string, string>(), cancellationToken);

    public void Dispose()
    {
        _docker.Dispose();
        _gate.Dispose();
    }

    private async Task Guard(string name, Dictionary<string, string> errors, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is OverlayException or ProcessFailedException or DockerApiException or HttpRequestException or IOException
            or TimeoutException or System.Text.Json.JsonException)
        {
            var message = Describe(ex);
            errors[name] = message;
            Log.OverlayFailed(_logger, name, message);
        }
    }

    private static void Validate(IReadOnlyList<OverlayDocument> overlays)
    {
        var problems = new List<string>();
        foreach (var group in overlays.GroupBy(o => o.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"overlay '{group.Key}' is listed {group.Count()} times");
        }
        foreach (var overlay in overlays)
        {
            if (!OverlayNames.IsValidNetworkName(overlay.Name ?? ""))
            {
                problems.Add($"'{overlay.Name}' is not a Docker network name");
                continue;
            }
            if (!Cidr.TryParse(overlay.Subnet, out var subnet, out var error))
            {
                problems.Add($"overlay '{overlay.Name}': subnet '{overlay.Subnet}' {error}");
            }
            else if (subnet.Family != AddressFamily.InterNetwork)
            {
                problems.Add($"overlay '{overlay.Name}': subnet {subnet} is not IPv4");
            }
            else if (subnet.Overlaps(Cidr.Parse("169.254.0.0/16")))
            {
                problems.Add($"overlay '{overlay.Name}': subnet {subnet} overlaps 169.254.0.0/16, which the gateway keeps for its links");
            }
            if (string.IsNullOrEmpty(overlay.ManagerAddress) != string.IsNullOrEmpty(overlay.JoinToken))
            {
                problems.Add($"overlay '{overlay.Name}': a swarm manager address and a join token go together");
            }
        }
        if (problems.Count > 0)
        {
            throw new OverlayException("invalid overlays: " + string.Join("; ", problems));
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        DockerApiException docker => "Docker engine: " + DockerMessage(docker),
        _ => ex.Message,
    };

    /// <summary>The engine's own message ({"message": "..."}) rather than the client's wrapper text.</summary>
    private static string DockerMessage(DockerApiException ex)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(ex.ResponseBody);
            if (json.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: fall back to the body as it came.
        }
        return string.IsNullOrWhiteSpace(ex.ResponseBody) ? ex.Message : ex.ResponseBody.Trim();
    }

    private bool EngineSocketExists() =>
        !_options.DockerEndpoint.StartsWith("unix://", StringComparison.Ordinal) || File.Exists(_options.DockerEndpoint["unix://".Length..]);

    private static string Text(IPAddress address) => address.ToString();

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}

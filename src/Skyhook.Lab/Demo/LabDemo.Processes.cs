using System.Text.Json;
using Skyhook.Lab.Controller;
using Skyhook.Lab.Processes;
using Skyhook.Lab.Topology;
using Skyhook.Linux;

namespace Skyhook.Lab.Demo;

public sealed partial class LabDemo
{
    private const string TunnelUpMarker = "Initialization Sequence Completed";

    // Plain one-line log entries with a time: the logs are files meant to be read and grepped.
    private static readonly Dictionary<string, string> LogSettings = new()
    {
        ["Logging__Console__FormatterName"] = "simple",
        ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        ["Logging__Console__FormatterOptions__TimestampFormat"] = "yyyy-MM-dd HH:mm:ss ",
        ["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled",
    };

    /// <summary>Starts the controller detached, waits until it answers, and returns the setup token it logged.</summary>
    private async Task<string> StartControllerAsync(CancellationToken cancellationToken)
    {
        // Settings that name the lab's folders go on the command line, so that the process shows
        // which lab it belongs to (the lab tests' host snapshot finds leftovers that way).
        await new Daemon(
            _tools.Dotnet,
            [RepositoryBuild.ControllerDll, "--urls", ControllerUrl, "--Controller:DataDirectory=" + Layout.ControllerData],
            Layout.ControllerPid,
            Layout.ControllerLog)
        {
            // Its appsettings.json (log levels) is read from the content root, the working directory.
            WorkingDirectory = Path.GetDirectoryName(RepositoryBuild.ControllerDll),
            Environment = LogSettings,
        }.StartAsync(_lab.Tools, _lab.Runner, cancellationToken);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        string? token = null;
        await Poll.UntilAsync(
            async ct =>
            {
                RequireRunning(Layout.ControllerPid, "the controller", Layout.ControllerLog);
                token ??= File.Exists(Layout.ControllerLog) ? File.ReadLines(Layout.ControllerLog).Select(LabController.FindSetupToken).FirstOrDefault(t => t is not null) : null;
                try
                {
                    return token is not null && (await http.GetAsync(new Uri(ControllerUrl + "/healthz"), ct)).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            StartTimeout,
            () => $"the controller did not answer {ControllerUrl}/healthz with a setup token in its log within {StartTimeout.TotalSeconds} s; "
                + $"its log ends with: {Daemon.LogTail(Layout.ControllerLog)}",
            cancellationToken);
        return token!;
    }

    /// <summary>Adds the gateway in the API and runs the join command it printed, as an operator would paste it.</summary>
    private async Task EnrolGatewayAsync(LabAdmin admin, GatewayHost host, CancellationToken cancellationToken)
    {
        var added = await admin.PostAsync($"/api/v1/groups/{GroupName}/gateways", new { name = host.Name, publicEndpoint = host.PublicAddress }, cancellationToken);
        var token = added.GetProperty("joinToken").GetString()!;
        // "skyhook-gateway join URL TOKEN --fingerprint sha256:HEX"
        var words = added.GetProperty("joinCommand").GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is not ["skyhook-gateway", "join", ..])
        {
            throw new LabException("the controller's join command does not start with `skyhook-gateway join`: " + string.Join(' ', words).Replace(token, "***", StringComparison.Ordinal));
        }
        await _lab.Runner.RunAsync(
            new ProcessSpec(_tools.Dotnet, [RepositoryBuild.GatewayDll, .. words[1..], "--data-dir", Layout.GatewayData]) { Secrets = [token] },
            cancellationToken);
    }

    /// <summary>
    /// Starts `skyhook-gateway run` detached in the host's namespace (it reaches the controller on
    /// loopback), pointed at the gateway host's namespace and engine: openvpn, the overlay links and
    /// the forwarding rules all go there.
    /// </summary>
    private async Task StartGatewayAsync(GatewayHost host, CancellationToken cancellationToken) =>
        await new Daemon(
            _tools.Dotnet,
            [
                RepositoryBuild.GatewayDll, "run",
                "--Gateway:DataDirectory=" + Layout.GatewayData,
                "--Gateway:NetworkNamespace=" + host.Namespace,
                "--Gateway:DockerSocket=" + host.Engine.Host,
                "--Gateway:VpnListenAddress=" + host.PublicAddress,
                "--Gateway:ManagementSocket=" + Layout.ManagementSocket,
                // The lab has no registry: the anchor container runs the lab's own image.
                "--Overlay:AnchorImage=" + LabLayout.ImageName,
                // Discovery watches every engine that runs workloads (the manager first), so that
                // container, service and label rules follow the containers within a second.
                .. Enumerable.Range(1, _lab.Options.Nodes).Select(n => $"--Discovery:DockerEndpoints:{n - 1}={_lab.NodeEngine(n).Host}"),
                $"--Discovery:DockerEndpoints:{_lab.Options.Nodes}={host.Engine.Host}",
            ],
            Layout.GatewayPid,
            Layout.GatewayLog)
        {
            WorkingDirectory = Path.GetDirectoryName(RepositoryBuild.GatewayDll),
            Environment = LogSettings,
        }.StartAsync(_lab.Tools, _lab.Runner, cancellationToken);

    /// <summary>Waits for the gateway's heartbeat: online, the group's desired state applied, no apply error.</summary>
    private async Task WaitGatewayReadyAsync(LabAdmin admin, string name, CancellationToken cancellationToken)
    {
        JsonElement view = default;
        await Poll.UntilAsync(
            async ct =>
            {
                RequireRunning(Layout.GatewayPid, "the gateway", Layout.GatewayLog);
                view = await admin.GetAsync("/api/v1/gateways/" + name, ct);
                return view.GetProperty("status").GetString() == "online"
                    && view.GetProperty("appliedHash").GetString() is { } applied
                    && applied == view.GetProperty("desiredHash").GetString()
                    && view.GetProperty("applyError").ValueKind == JsonValueKind.Null;
            },
            GatewayTimeout,
            () => $"gateway {name} did not report the group's desired state applied without error within {GatewayTimeout.TotalSeconds} s "
                + $"(GET /api/v1/gateways/{name}: {(view.ValueKind == JsonValueKind.Undefined ? "no answer" : view.GetRawText())}); "
                + $"its log ends with: {Daemon.LogTail(Layout.GatewayLog, 10)}",
            cancellationToken);
    }

    /// <summary>
    /// Starts openvpn on the desktop with the user's password and a fresh code, waits until the
    /// tunnel is up, and returns openvpn's line saying so. The credentials file lives only until then:
    /// the gateway's session token carries renegotiations and reconnects.
    /// </summary>
    private async Task<string> ConnectClientAsync(Desktop desktop, string password, string secret, long usedStep, CancellationToken cancellationToken)
    {
        var credentials = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        try
        {
            await using (var writer = new StreamWriter(Layout.ClientCredentials, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), credentials))
            {
                await writer.WriteAsync($"{UserName}\n{StaticChallengeResponse(password, LabAdmin.NextCode(secret, usedStep))}\n");
            }
            await new Daemon(
                _lab.Tools.Nsenter,
                ["--net=/run/netns/" + desktop.Namespace, _tools.OpenVpn, "--config", Layout.ClientProfile(UserName), "--auth-user-pass", Layout.ClientCredentials,
                    .. desktop.OpenVpnDnsArguments],
                Layout.ClientPid,
                Layout.ClientLog).StartAsync(_lab.Tools, _lab.Runner, cancellationToken);

            string? tunnelUp = null;
            await Poll.UntilAsync(
                ct =>
                {
                    var log = File.Exists(Layout.ClientLog) ? File.ReadAllLines(Layout.ClientLog) : [];
                    if (log.Any(line => line.Contains("AUTH_FAILED", StringComparison.Ordinal)))
                    {
                        throw new LabException($"the gateway refused {UserName}'s VPN login (AUTH_FAILED); the gateway's log ends with: {Daemon.LogTail(Layout.GatewayLog, 10)}");
                    }
                    RequireRunning(Layout.ClientPid, "the openvpn client", Layout.ClientLog);
                    tunnelUp = log.FirstOrDefault(line => line.Contains(TunnelUpMarker, StringComparison.Ordinal));
                    return Task.FromResult(tunnelUp is not null);
                },
                StartTimeout,
                () => $"the openvpn client on {desktop.Namespace} did not bring the tunnel up within {StartTimeout.TotalSeconds} s; "
                    + $"its log ends with: {Daemon.LogTail(Layout.ClientLog, 10)}",
                cancellationToken);
            return tunnelUp!;
        }
        finally
        {
            File.Delete(Layout.ClientCredentials);
        }
    }

    private void RequireRunning(string pidFile, string what, string log)
    {
        if (!Daemon.IsRunning(pidFile, Layout.StateDirectory))
        {
            throw new LabException($"{what} exited; its log ends with: {Daemon.LogTail(log, 10)}");
        }
    }
}

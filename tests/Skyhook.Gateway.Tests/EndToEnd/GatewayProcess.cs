using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Skyhook.Lab;
using Skyhook.Lab.Controller;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.EndToEnd;

/// <summary>
/// The real <c>skyhook-gateway</c> binary of this repository as a child process, configured through
/// its environment as an operator would (Gateway__Xxx, Overlay__Xxx). Its output lines are kept with
/// the time they arrived, so a test can time what the gateway did. <see cref="KillHard"/> is kill -9:
/// no shutdown code runs, so openvpn and every host change outlive it, as after a crash.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly List<(DateTimeOffset At, string Line)> _lines = [];
    private Process? _process;

    public GatewayProcess(IReadOnlyDictionary<string, string> environment) => _environment = environment;

    public static string Binary => Skyhook.Lab.RepositoryBuild.GatewayDll;

    /// <summary>
    /// The gateway of lab gateway host <paramref name="host"/>, as the lab demo sets one up: its process
    /// in the host's namespace (it reaches the controller on loopback), openvpn and the overlay links in
    /// the gateway host's, its engine for the anchor, every engine with workloads for discovery.
    /// </summary>
    /// <param name="managementSocket">Short: a unix socket path is at most 107 bytes.</param>
    /// <param name="more">Further settings, e.g. log levels.</param>
    public static GatewayProcess OnLabHost(Lab.Lab lab, GatewayHost host, string dataDirectory, string managementSocket, IReadOnlyDictionary<string, string>? more = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Gateway__DataDirectory"] = dataDirectory,
            ["Gateway__NetworkNamespace"] = host.Namespace,
            ["Gateway__DockerSocket"] = host.Engine.Host,
            ["Gateway__VpnListenAddress"] = host.PublicAddress,
            ["Gateway__ManagementSocket"] = managementSocket,
            ["Gateway__HeartbeatSeconds"] = "1",
            ["Gateway__ResyncSeconds"] = "5",
            ["Overlay__AnchorImage"] = "skyhook-lab/busybox:1",
            // Every engine that runs workloads, the manager first: containers followed within a second.
            ["Discovery__DockerEndpoints__0"] = lab.NodeEngine(1).Host,
            ["Discovery__DockerEndpoints__1"] = lab.NodeEngine(2).Host,
            ["Discovery__DockerEndpoints__2"] = host.Engine.Host,
        };
        foreach (var (name, value) in more ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }
        return new GatewayProcess(environment);
    }

    /// <summary>
    /// Runs the console's join command, as an operator pastes it, with this gateway's data
    /// directory; fails the test when it does not succeed.
    /// </summary>
    public async Task JoinWithAsync(string joinCommand, CancellationToken cancellationToken)
    {
        var words = joinCommand.Split(' ');
        Assert.Equal(["skyhook-gateway", "join"], words[..2]);
        var joined = await JoinAsync([.. words[2..], "--data-dir", _environment["Gateway__DataDirectory"]], cancellationToken);
        Assert.True(joined.ExitCode == 0, "join failed: " + joined.StandardError);
    }

    /// <summary>The pid of the gateway's openvpn, from the pid file it has openvpn write; null when there is none.</summary>
    public int? OpenVpnPid()
    {
        var path = Path.Combine(_environment["Gateway__DataDirectory"], "openvpn", "openvpn.pid");
        try
        {
            return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// kill -9 of the gateway and its openvpn at once, as the death of its host would end both: its
    /// clients' connections close and nothing of the gateway's shutdown code runs.
    /// </summary>
    public async Task KillWithOpenVpnAsync()
    {
        var openvpn = OpenVpnPid();
        if (openvpn is { } pid && File.Exists($"/proc/{pid}/cmdline") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("openvpn", StringComparison.Ordinal))
        {
            Posix.Signal(pid, Posix.SigKill);
        }
        await KillHard();
        if (openvpn is { } gone)
        {
            while (File.Exists($"/proc/{gone}/cmdline") && File.ReadAllText($"/proc/{gone}/cmdline").Contains("openvpn", StringComparison.Ordinal))
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Until the controller shows gateway <paramref name="name"/> online with the group's current desired state applied and no error.</summary>
    /// <param name="since">When set, only a heartbeat after this counts (the gateway was restarted: its row still holds the dead process's last report).</param>
    public async Task<JsonElement> WaitConvergedAsync(LabAdmin admin, string name, CancellationToken cancellationToken, DateTimeOffset? since = null)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var view = await admin.GetAsync($"/api/v1/gateways/{name}", cancellationToken);
            if (view.GetProperty("status").GetString() == "online"
                && (since is null || (view.GetProperty("lastHeartbeat").ValueKind == JsonValueKind.String && view.GetProperty("lastHeartbeat").GetDateTimeOffset() > since))
                && view.GetProperty("appliedHash").GetString() == view.GetProperty("desiredHash").GetString()
                && view.GetProperty("applyError").ValueKind == JsonValueKind.Null)
            {
                return view;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"gateway {name} did not converge within 90 s; its last view: " + view.GetRawText() + "\ngateway output:\n" + Tail());
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The last lines the gateway printed.</summary>
    public string Tail(int lines = 80) => string.Join('\n', Lines.TakeLast(lines).Select(l => l.Line));

    public IReadOnlyList<(DateTimeOffset At, string Line)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public bool Running => _process is { HasExited: false };

    /// <summary><c>skyhook-gateway join ARGS</c> with this gateway's environment; its exit code and output.</summary>
    public async Task<ProcessResult> JoinAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        await new ProcessRunner().RunAsync(
            new ProcessSpec("dotnet", [Binary, "join", .. arguments]) { CheckExitCode = false, Timeout = TimeSpan.FromSeconds(60), Environment = _environment },
            cancellationToken);

    /// <summary><c>skyhook-gateway run</c>, in the background.</summary>
    public void Start()
    {
        if (Running)
        {
            throw new InvalidOperationException("the gateway is already running");
        }
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Binary);
        start.ArgumentList.Add("run");
        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }
        // One line per log entry, so that a line holds an event id and its message together.
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>SIGKILL, and wait until it is gone.</summary>
    public async Task KillHard()
    {
        if (_process is not { } process)
        {
            return;
        }
        _process = null;
        if (!process.HasExited)
        {
            Posix.Signal(process.Id, Posix.SigKill);
        }
        await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>SIGTERM (the gateway stops openvpn), then SIGKILL after 15 s.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }
        _process = null;
        if (!process.HasExited)
        {
            Posix.Signal(process.Id, Posix.SigTerm);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        process.Dispose();
    }

    /// <summary>The first line at or after <paramref name="since"/> that holds every one of <paramref name="parts"/>.</summary>
    public (DateTimeOffset At, string Line)? Find(DateTimeOffset since, params string[] parts) =>
        Lines.Where(l => l.At >= since && parts.All(p => l.Line.Contains(p, StringComparison.Ordinal))).Cast<(DateTimeOffset, string)?>().FirstOrDefault();

    public ValueTask DisposeAsync() => new(StopAsync());

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add((DateTimeOffset.UtcNow, line));
            }
        }
    }
}

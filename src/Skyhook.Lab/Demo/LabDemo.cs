using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Skyhook.Lab.Controller;
using Skyhook.Lab.Processes;
using Skyhook.Lab.Topology;
using Skyhook.Linux;

namespace Skyhook.Lab.Demo;

/// <summary>
/// The product on a lab, as a newcomer would set it up: a controller on the embedded database, a
/// first admin, container access to the lab's overlay, gateway host 1 enrolled and running, a user
/// with password and TOTP, and desktop 1 connected with a stock openvpn client. Every process is
/// detached (it outlives the command) and found again by its pid file; `skyhook lab down` stops them.
/// </summary>
/// <remarks>
/// Credentials are shown once and never stored, so `up` on a lab that already has a demo replaces
/// it (a new controller database, new credentials) instead of reusing what it could not print again.
/// </remarks>
public sealed partial class LabDemo
{
    public const int DefaultControllerPort = 8080;
    public const string GroupName = "demo";
    public const string UserName = "alice";
    public const string ProfileName = "developers";

    /// <summary>The one rule of the demo's allow-all profile: web1's port 8080 (its "admin" port) is closed to developers.</summary>
    public const string DeniedRule = "deny container web1 tcp 8080";

    /// <summary>The group's search domain: container names resolve under it (web1.apps.internal) through the gateway's DNS.</summary>
    public const string SearchDomain = "apps.internal";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan GatewayTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly Lab _lab;
    private readonly DemoTools _tools;

    private LabDemo(Lab lab, DemoTools tools, int controllerPort)
    {
        _lab = lab;
        _tools = tools;
        ControllerPort = controllerPort;
        Layout = new DemoLayout(lab.Layout);
    }

    public DemoLayout Layout { get; }

    public int ControllerPort { get; }

    public string ControllerUrl => "http://127.0.0.1:" + ControllerPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>Checks what the demo needs beyond the lab (openvpn, dotnet, curl, ping, the builds); one message lists every problem.</summary>
    public static LabDemo Create(Lab lab, int controllerPort = DefaultControllerPort)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (controllerPort is < 1 or > 65535)
        {
            throw new LabException($"--controller-port {controllerPort} is out of range: use 1 to 65535");
        }
        var tools = DemoTools.Find(out var missing);
        var problems = new List<string>();
        if (missing.Count > 0)
        {
            problems.Add("missing on this host: " + string.Join(", ", missing));
        }
        if (RepositoryBuild.WhyMissing() is { } notBuilt)
        {
            problems.Add(notBuilt);
        }
        return problems.Count == 0 ? new LabDemo(lab, tools, controllerPort) : throw new LabException(string.Join("; ", problems));
    }

    /// <summary>Why no demo can run on this host (no lab possible, a tool or a build missing), or null: for test fixtures.</summary>
    public static string? WhyUnavailable()
    {
        if (Lab.WhyUnavailable() is { } noLab)
        {
            return noLab;
        }
        DemoTools.Find(out var missing);
        return missing.Count > 0 ? "missing on this host: " + string.Join(", ", missing) : RepositoryBuild.WhyMissing();
    }

    /// <summary>Brings the demo up on the lab (which must be up), replacing an earlier demo of the same lab.</summary>
    public async Task<DemoResult> UpAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var status = await _lab.StatusAsync(cancellationToken);
        if (!status.Exists || status.Overlay is null)
        {
            throw new LabException($"no lab with prefix {_lab.Options.Prefix} is up: run `skyhook lab up --prefix {_lab.Options.Prefix}` first");
        }
        var targets = status.Workloads.Where(w => w.Name is "web1" or "web2" && w.OverlayAddress is not null).OrderBy(w => w.Name, StringComparer.Ordinal).ToList();
        if (targets.Count != 2)
        {
            throw new LabException($"lab {_lab.Options.Prefix} has not got web1 and web2 on the overlay: run `skyhook lab up --prefix {_lab.Options.Prefix}` again");
        }

        if (await StopAsync(Layout, cancellationToken))
        {
            progress?.Report("replacing the earlier demo of this lab (new database, new credentials)");
        }
        DeleteDirectory(Layout.StateDirectory);
        DeleteDirectory(Layout.RunDirectory);
        Directory.CreateDirectory(Layout.StateDirectory, PrivateDirectory);
        Directory.CreateDirectory(Layout.RunDirectory, PrivateDirectory);
        RequirePortFree();

        progress?.Report($"controller on the embedded database at {ControllerUrl} (log {Layout.ControllerLog})");
        var setupToken = await StartControllerAsync(cancellationToken);
        using var admin = await LabAdmin.CreateAsync(new Uri(ControllerUrl), setupToken, NewPassword(), cancellationToken);

        progress?.Report($"gateway group {GroupName}: container access to {LabLayout.OverlayName} {LabLayout.OverlaySubnet}; profile {ProfileName} (allow-all, then {DeniedRule})");
        await admin.PostAsync(
            "/api/v1/profiles",
            new { name = ProfileName, basePolicy = "allow-all", rules = new[] { new { action = "deny", target = "container web1", protocol = "tcp", ports = new[] { "8080" } } } },
            cancellationToken);
        await admin.PostAsync(
            "/api/v1/groups",
            new { name = GroupName, searchDomains = new[] { SearchDomain }, overlays = new[] { new { name = LabLayout.OverlayName, subnet = LabLayout.OverlaySubnet } } },
            cancellationToken);

        progress?.Report("gateway host 1 (a swarm worker) and desktop 1 (on the internet side only)");
        var host = await _lab.AddGatewayHostAsync(1, cancellationToken);
        var desktop = await _lab.AddDesktopAsync(1, cancellationToken);

        progress?.Report($"gateway {host.Name}: join, then run (log {Layout.GatewayLog})");
        await EnrolGatewayAsync(admin, host, cancellationToken);
        await StartGatewayAsync(host, cancellationToken);
        await WaitGatewayReadyAsync(admin, host.Name, cancellationToken);

        progress?.Report($"user {UserName}: password, TOTP, profile {ProfileName}");
        var password = NewPassword();
        await admin.PostAsync("/api/v1/users", new { name = UserName, email = UserName + "@example.com", profile = ProfileName, password }, cancellationToken);
        var (secret, usedStep) = await admin.EnrolMfaAsync(UserName, cancellationToken);

        progress?.Report($"openvpn client on desktop {desktop.Namespace} (log {Layout.ClientLog})");
        var profile = ClientProfile(await admin.GetTextAsync($"/api/v1/users/{UserName}/vpn-profile?group={GroupName}", cancellationToken));
        await File.WriteAllTextAsync(Layout.ClientProfile(UserName), profile, cancellationToken);
        var tunnelUp = await ConnectClientAsync(desktop, password, secret, usedStep, cancellationToken);

        await File.WriteAllTextAsync(Layout.DemoFile, JsonSerializer.Serialize(new DemoFile(ControllerUrl)), cancellationToken);
        return new DemoResult(
            _lab.Options.Prefix,
            ControllerUrl,
            Layout.ControllerLog,
            new DemoAccount(admin.Name, admin.Password, admin.Secret),
            new DemoAccount(UserName, password, secret),
            GroupName,
            new DemoGateway(host.Name, host.Namespace, host.PublicAddress + ":1194/udp", Layout.GatewayLog),
            new DemoDesktop(desktop.Namespace, desktop.Address, Layout.ClientProfile(UserName), Layout.ClientLog),
            tunnelUp,
            targets,
            _lab.Layout.SshKey);
    }

    /// <summary>
    /// What a user on the desktop would try first, through the VPN: the page of web2 (on the last
    /// node) by overlay address, web1's page by name under the group's search domain (the gateway's
    /// DNS answers it), then ping web2 and web1, then web1's port 8080, which the profile denies (the
    /// request times out: the gateway drops it). The first page is asked for until it comes, for a
    /// few seconds: the first packets may race the gateway's last rule.
    /// </summary>
    public async Task<IReadOnlyList<DemoCheck>> TryFromDesktopAsync(DemoResult demo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(demo);
        var web1 = demo.Targets.Single(t => t.Name == "web1").OverlayAddress!;
        var web2 = demo.Targets.Single(t => t.Name == "web2").OverlayAddress!;
        DemoCheck? page = null;
        var clock = Stopwatch.StartNew();
        while (page is not { Succeeded: true } && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            page = await OnDesktopAsync(demo.Desktop, "curl", ["-sS", "-m", "5", $"http://{web2}/"], cancellationToken);
        }
        return
        [
            page!,
            await OnDesktopAsync(demo.Desktop, "curl", ["-sS", "-m", "5", $"http://web1.{SearchDomain}/"], cancellationToken),
            await OnDesktopAsync(demo.Desktop, "ping", ["-c", "3", "-W", "2", web2], cancellationToken),
            await OnDesktopAsync(demo.Desktop, "ping", ["-c", "3", "-W", "2", web1], cancellationToken),
            await OnDesktopAsync(demo.Desktop, "curl", ["-sS", "-m", "3", $"http://{web1}:8080/"], cancellationToken) with { DeniedBy = DeniedRule },
        ];
    }

    /// <summary>
    /// Stops the demo's processes of a lab (VPN client, gateway with its openvpn, controller), found by
    /// their pid files; true when any was running. Their files go with the lab's folders.
    /// </summary>
    internal static async Task<bool> StopAsync(DemoLayout layout, CancellationToken cancellationToken)
    {
        var running = false;
        foreach (var pidFile in layout.PidFiles)
        {
            running |= Daemon.IsRunning(pidFile, layout.StateDirectory);
            await Daemon.StopAsync(pidFile, layout.StateDirectory, StopGrace, cancellationToken);
        }
        // The gateway's openvpn runs from the demo's state folder too; one left behind would hold
        // the VPN port, and the next demo's openvpn would exit at once.
        await Daemon.KillLeftoversAsync(layout.StateDirectory, cancellationToken);
        return running;
    }

    /// <summary>The demo of a lab as it is now, or null when it has none.</summary>
    internal static DemoStatus? Status(DemoLayout layout)
    {
        if (!File.Exists(layout.DemoFile))
        {
            return null;
        }
        var file = JsonSerializer.Deserialize<DemoFile>(File.ReadAllText(layout.DemoFile));
        return new DemoStatus(
            file?.ControllerUrl ?? "",
            Daemon.IsRunning(layout.ControllerPid, layout.StateDirectory),
            Daemon.IsRunning(layout.GatewayPid, layout.StateDirectory),
            Daemon.IsRunning(layout.ClientPid, layout.StateDirectory));
    }

    /// <summary>With `ip netns exec`, as a person would type it: it puts the desktop's resolv.conf (the VPN's nameserver) in place.</summary>
    private Task<DemoCheck> OnDesktopAsync(DemoDesktop desktop, string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunShownAsync(new ProcessSpec(_lab.Tools.Ip, ["netns", "exec", desktop.Namespace, program, .. arguments]) { CheckExitCode = false }, cancellationToken);

    private async Task<DemoCheck> RunShownAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var result = await _lab.Runner.RunAsync(spec, cancellationToken);
        var shown = spec.Describe().Replace(_lab.Tools.Ip + " ", "ip ", StringComparison.Ordinal);
        return new DemoCheck(shown, result.ExitCode, (result.StandardOutput + result.StandardError).TrimEnd());
    }

    private void RequirePortFree()
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, ControllerPort);
            listener.Start();
        }
        catch (SocketException ex)
        {
            throw new LabException($"port {ControllerPort} on 127.0.0.1 is taken ({ex.Message}): choose another with --controller-port", ex);
        }
    }

    // Letters and digits that cannot be misread (no 0/o, 1/l/i), in groups of four: easy to type.
    private static string NewPassword()
    {
        var text = RandomNumberGenerator.GetString("abcdefghjkmnpqrstuvwxyz23456789", 16);
        return string.Join('-', text.Chunk(4).Select(chunk => new string(chunk)));
    }

    /// <summary>
    /// The profile less its static-challenge line: openvpn 2.6 asks for the code on a terminal even
    /// with --auth-user-pass, so this client without one sends the SCRV1 string as its password.
    /// </summary>
    private static string ClientProfile(string profile) =>
        string.Join('\n', profile.Split('\n').Where(line => !line.StartsWith("static-challenge ", StringComparison.Ordinal)));

    /// <summary>What the static challenge makes of a password and a code (OpenVPN's SCRV1 format).</summary>
    private static string StaticChallengeResponse(string password, string code) =>
        $"SCRV1:{Convert.ToBase64String(Encoding.UTF8.GetBytes(password))}:{Convert.ToBase64String(Encoding.UTF8.GetBytes(code))}";

    private static void DeleteDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private sealed record DemoFile(string ControllerUrl);
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Skyhook.Core.Identity;
using Skyhook.Gateway.Tests.Overlay;
using Skyhook.Gateway.Vpn.OpenVpn;
using Skyhook.Lab;
using Skyhook.Lab.Controller;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.EndToEnd;

/// <summary>
/// The product on the overlay lab, as an operator sets it up: a real controller on loopback, gateway
/// host 3 of the lab (its own dockerd, a swarm worker; 1 and 2 are the overlay tests') running the
/// real skyhook-gateway binary enrolled with the console's join command, group "lab" with container access on
/// multi-host-overlay and the underlay VPC 172.31.0.0/16 as an additional CIDR, and desktops 1 and
/// 2 on the lab's internet bridge for stock openvpn clients. Started by the first test that needs it
/// and shared by the class; disposing stops the gateway (which takes openvpn down), the controller,
/// the clients, and removes the desktops and the gateway host with everything on its engine.
/// </summary>
public sealed class LabVpnBed : IAsyncDisposable
{
    public const string Group = "lab";
    public const string Password = "a lab user's long password";
    public const string Vpc = "172.31.0.0/16";

    private readonly SemaphoreSlim _start = new(1, 1);
    private readonly List<ChildProcess> _clients = [];
    private readonly Totp _totp = new(TimeProvider.System);
    private readonly Dictionary<string, (byte[] Secret, long LastStep)> _users = [];
    private Lab.Lab? _lab;
    private LabController? _controller;
    private string? _startFailure;

    public OverlayLabFixture Fixture { get; private set; } = null!;
    public Lab.Lab Lab => _lab!;
    public GatewayHost Host { get; private set; } = null!;
    public IReadOnlyList<Desktop> Desktops { get; private set; } = [];
    public LabAdmin Admin { get; private set; } = null!;
    public LabController Controller => _controller!;
    public GatewayProcess Gateway { get; private set; } = null!;
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("skyhook-e2e-").FullName;
    public string ClientBlock { get; private set; } = "";

    private string RunDirectory => Path.Combine("/run", Path.GetFileName(Directory));

    /// <summary>Brings the bed up once; a failure is remembered and reported by every test after it.</summary>
    public async Task EnsureStartedAsync(OverlayLabFixture fixture, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        Requirements.RequireOpenVpn();
        _ = fixture.Lab;
        await _start.WaitAsync(cancellationToken);
        try
        {
            if (_startFailure is not null)
            {
                Assert.Fail("the lab VPN bed did not come up: " + _startFailure);
            }
            if (_lab is not null)
            {
                return;
            }
            Fixture = fixture;
            try
            {
                await StartAsync(fixture, cancellationToken);
            }
            catch (Exception ex)
            {
                _startFailure = ex.ToString();
                output.WriteLine("gateway output:\n" + GatewayOutput());
                throw;
            }
        }
        finally
        {
            _start.Release();
        }
    }

    private async Task StartAsync(OverlayLabFixture fixture, CancellationToken cancellationToken)
    {
        var lab = fixture.Lab;
        _lab = lab;
        Host = await lab.AddGatewayHostAsync(3, cancellationToken);
        Desktops = [await lab.AddDesktopAsync(1, cancellationToken), await lab.AddDesktopAsync(2, cancellationToken), await lab.AddDesktopAsync(3, cancellationToken)];

        _controller = await LabController.StartAsync(IPAddress.Loopback, new Dictionary<string, string> { ["Gateways__LongPollTimeout"] = "00:00:10" }, cancellationToken);
        Admin = await LabAdmin.CreateAsync(_controller, cancellationToken);
        await Admin.PostAsync("/api/v1/profiles", new { name = "dev", basePolicy = "allow-all", rules = Array.Empty<object>() }, cancellationToken);
        await Admin.PostAsync("/api/v1/groups", GroupBody(), cancellationToken);
        var added = await Admin.PostAsync($"/api/v1/groups/{Group}/gateways", new { name = Host.Name, publicEndpoint = Host.PublicAddress }, cancellationToken);
        ClientBlock = added.GetProperty("gateway").GetProperty("clientBlock").GetString()!;

        var data = Path.Combine(Directory, "gateway");
        Gateway = new GatewayProcess(new Dictionary<string, string>
        {
            ["Gateway__DataDirectory"] = data,
            ["Gateway__NetworkNamespace"] = Host.Namespace,
            ["Gateway__DockerSocket"] = Host.Engine.Host,
            ["Gateway__VpnListenAddress"] = Host.PublicAddress,
            // Short: a unix socket path is at most 107 bytes.
            ["Gateway__ManagementSocket"] = Path.Combine(RunDirectory, "mgmt.sock"),
            ["Gateway__HeartbeatSeconds"] = "1",
            ["Gateway__ResyncSeconds"] = "5",
            ["Overlay__AnchorImage"] = "skyhook-lab/busybox:1",
            // Every engine that runs workloads, the manager first: containers followed within a second.
            ["Discovery__DockerEndpoints__0"] = lab.NodeEngine(1).Host,
            ["Discovery__DockerEndpoints__1"] = lab.NodeEngine(2).Host,
            ["Discovery__DockerEndpoints__2"] = Host.Engine.Host,
            // Every DNS query as a line (the query events), for the DNS tests.
            ["Logging__LogLevel__Skyhook.Gateway.Dns.DnsQueryLogger"] = "Debug",
        });
        // The console's join command, as an operator pastes it.
        var words = added.GetProperty("joinCommand").GetString()!.Split(' ');
        Assert.Equal(["skyhook-gateway", "join"], words[..2]);
        var joined = await Gateway.JoinAsync([.. words[2..], "--data-dir", data], cancellationToken);
        Assert.True(joined.ExitCode == 0, "join failed: " + joined.StandardError);
        Gateway.Start();
        await WaitConvergedAsync(cancellationToken);
    }

    /// <summary>
    /// The group as PUT/POST takes it: split tunnel over UDP unless told otherwise, container access on
    /// multi-host-overlay, no search domains and no nameservers (the DNS tests set their own).
    /// </summary>
    public static object GroupBody(
        string transport = "udp",
        string tunnelMode = "split",
        bool overlayEnabled = true,
        string[]? additionalCidrs = null,
        string[]? searchDomains = null,
        string[]? nameservers = null,
        bool hideUnreachableNames = true) => new
    {
        name = Group,
        transport,
        tunnelMode,
        additionalCidrs = additionalCidrs ?? [Vpc],
        searchDomains = searchDomains ?? [],
        nameservers = nameservers ?? [],
        hideUnreachableNames,
        overlays = new[] { new { name = "multi-host-overlay", subnet = "10.0.0.0/16", enabled = overlayEnabled } },
    };

    /// <summary>Replaces the group's settings (PUT with the current ETag) and waits until the gateway has applied them without error.</summary>
    public async Task UpdateGroupAsync(object body, CancellationToken cancellationToken)
    {
        using var get = await Admin.Http.GetAsync($"/api/v1/groups/{Group}", cancellationToken);
        get.EnsureSuccessStatusCode();
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/groups/{Group}") { Content = JsonContent.Create(body) };
        put.Headers.IfMatch.Add(get.Headers.ETag!);
        using var response = await Admin.Http.SendAsync(put, cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"PUT group: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        await WaitConvergedAsync(cancellationToken);
    }

    /// <summary>Until the gateway reports, in its heartbeat, the group's current desired state applied with no error.</summary>
    public async Task<JsonElement> WaitConvergedAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var view = await Admin.GetAsync($"/api/v1/gateways/{Host.Name}", cancellationToken);
            if (view.GetProperty("status").GetString() == "online"
                && view.GetProperty("appliedHash").GetString() == view.GetProperty("desiredHash").GetString()
                && view.GetProperty("applyError").ValueKind == JsonValueKind.Null)
            {
                return view;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail("the gateway did not converge within 90 s; its last view: " + view.GetRawText() + "\ngateway output:\n" + GatewayOutput());
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>A VPN user with the bed's password and an enrolled TOTP secret, on <paramref name="profile"/>.</summary>
    public async Task CreateUserAsync(string name, CancellationToken cancellationToken, string profile = "dev")
    {
        await Admin.PostAsync("/api/v1/users", new { name, email = name + "@example.com", profile, password = Password }, cancellationToken);
        var mfa = await Admin.PostAsync($"/api/v1/users/{name}/mfa", new { }, cancellationToken);
        var secret = Base32.Decode(mfa.GetProperty("secret").GetString()!);
        var step = _totp.GetCurrentTimeStep();
        await Admin.PostAsync($"/api/v1/users/{name}/mfa/confirm", new { code = _totp.Compute(secret, step) }, cancellationToken);
        _users[name] = (secret, step);
    }

    /// <summary>
    /// The user's next unused code: a later step than any used before. The controller accepts each
    /// step once, from one step back to one step ahead, so a user has a fresh code about every 30 s.
    /// </summary>
    public string NextCode(string user)
    {
        var (secret, last) = _users[user];
        var step = Math.Max(last + 1, _totp.GetCurrentTimeStep());
        Assert.True(step <= _totp.GetCurrentTimeStep() + 1, "no unused one-time code left in the accepted window");
        _users[user] = (secret, step);
        return _totp.Compute(secret, step);
    }

    /// <summary>A well-formed code that is none of the user's codes near now.</summary>
    public string WrongCode(string user)
    {
        var (secret, _) = _users[user];
        var now = _totp.GetCurrentTimeStep();
        var near = Enumerable.Range(-3, 7).Select(d => _totp.Compute(secret, now + d)).ToHashSet(StringComparer.Ordinal);
        return Enumerable.Range(0, 100).Select(i => i.ToString("000000", System.Globalization.CultureInfo.InvariantCulture)).First(c => !near.Contains(c));
    }

    /// <summary>The .ovpn the controller hands <paramref name="user"/> for the group, less static-challenge.</summary>
    public async Task<string> ProfileAsync(string user, CancellationToken cancellationToken) =>
        StockOpenVpnClient.WithoutStaticChallenge(await Admin.Http.GetStringAsync($"/api/v1/users/{user}/vpn-profile?group={Group}", cancellationToken));

    /// <summary>A stock openvpn client on desktop <paramref name="desktop"/> (1-based) logging in with password + <paramref name="code"/>.</summary>
    /// <param name="profile">The .ovpn to use; null fetches the user's from the controller.</param>
    public async Task<ChildProcess> ConnectAsync(int desktop, string label, string user, string password, string code, CancellationToken cancellationToken, string? profile = null)
    {
        var client = StockOpenVpnClient.Start(Desktops[desktop - 1].Namespace, Directory, label, profile ?? await ProfileAsync(user, cancellationToken), user,
            StaticChallenge.Encode(password, code), Desktops[desktop - 1].OpenVpnDnsArguments);
        _clients.Add(client);
        return client;
    }

    /// <summary>Until the client on <paramref name="desktop"/> has its tunnel up (openvpn's "Initialization Sequence Completed").</summary>
    public Task WaitTunnelAsync(string label, CancellationToken cancellationToken) =>
        Eventually.True(() => ClientLog(label).Contains("Initialization Sequence Completed", StringComparison.Ordinal),
            $"client '{label}' connected; its log:\n{ClientLog(label)}", TimeSpan.FromSeconds(60), cancellationToken);

    public string ClientLog(string label) => StockOpenVpnClient.Log(Directory, label);

    /// <summary>
    /// A command in desktop <paramref name="desktop"/>'s namespace, with `ip netns exec` as a person
    /// would type it: the desktop's resolv.conf (what its VPN client was pushed) is in force.
    /// </summary>
    public Task<ProcessResult> OnDesktopAsync(int desktop, IReadOnlyList<string> command, CancellationToken cancellationToken, int timeoutSeconds = 20) =>
        new ProcessRunner().RunAsync(
            new ProcessSpec("ip", ["netns", "exec", Desktops[desktop - 1].Namespace, .. command]) { CheckExitCode = false, Timeout = TimeSpan.FromSeconds(timeoutSeconds) },
            cancellationToken);

    /// <summary>`curl` from the desktop: the page's body, or null when it could not be fetched within 3 s.</summary>
    public async Task<string?> CurlAsync(int desktop, string url, CancellationToken cancellationToken)
    {
        var result = await OnDesktopAsync(desktop, ["curl", "--silent", "--show-error", "--max-time", "3", url], cancellationToken);
        return result.Succeeded ? result.StandardOutput.Trim() : null;
    }

    public async Task<bool> PingAsync(int desktop, string address, CancellationToken cancellationToken) =>
        (await OnDesktopAsync(desktop, ["ping", "-c", "1", "-W", "1", address], cancellationToken)).Succeeded;

    /// <summary>A command in the gateway host's namespace (ip, iptables, nft).</summary>
    public Task<ProcessResult> OnGatewayHostAsync(IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        new ProcessRunner().RunAsync(
            new ProcessSpec("nsenter", ["--net=/run/netns/" + Host.Namespace, .. command]) { CheckExitCode = false, Timeout = TimeSpan.FromSeconds(20) },
            cancellationToken);

    public string GatewayOutput() =>
        Gateway is null ? "(not started)" : string.Join('\n', Gateway.Lines.TakeLast(80).Select(l => l.Line));

    public async Task StopClientsAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
        _clients.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await StopClientsAsync();
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
        Admin?.Dispose();
        if (_controller is not null)
        {
            await _controller.DisposeAsync();
        }
        if (_lab is not null)
        {
            foreach (var desktop in Desktops)
            {
                await _lab.RemoveDesktopAsync(desktop, CancellationToken.None);
            }
            if (Host is not null)
            {
                await _lab.RemoveGatewayHostAsync(Host, CancellationToken.None);
            }
        }
        foreach (var directory in new[] { Directory, RunDirectory }.Where(System.IO.Directory.Exists))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        _start.Dispose();
    }
}

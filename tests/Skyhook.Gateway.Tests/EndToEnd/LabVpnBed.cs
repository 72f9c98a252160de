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
    private readonly LabVpnUsers _users = new();
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
        // Short: a unix socket path is at most 107 bytes.
        Gateway = GatewayProcess.OnLabHost(lab, Host, data, Path.Combine(RunDirectory, "mgmt.sock"), new Dictionary<string, string>
        {
            // Every DNS query as a line (the query events), for the DNS tests.
            ["Logging__LogLevel__Skyhook.Gateway.Dns.DnsQueryLogger"] = "Debug",
        });
        await Gateway.JoinWithAsync(added.GetProperty("joinCommand").GetString()!, cancellationToken);
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
    public Task<JsonElement> WaitConvergedAsync(CancellationToken cancellationToken) => Gateway.WaitConvergedAsync(Admin, Host.Name, cancellationToken);

    /// <summary>A VPN user with the bed's password and an enrolled TOTP secret, on <paramref name="profile"/>.</summary>
    public Task CreateUserAsync(string name, CancellationToken cancellationToken, string profile = "dev") =>
        _users.CreateAsync(Admin, name, Password, profile, cancellationToken);

    /// <summary>The user's next unused code (see <see cref="LabVpnUsers.NextCode"/>).</summary>
    public string NextCode(string user) => _users.NextCode(user);

    /// <summary>A well-formed code that is none of the user's codes near now.</summary>
    public string WrongCode(string user) => _users.WrongCode(user);

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

    /// <summary>A command in desktop <paramref name="desktop"/>'s namespace (see <see cref="LabDesktops.RunAsync"/>).</summary>
    public Task<ProcessResult> OnDesktopAsync(int desktop, IReadOnlyList<string> command, CancellationToken cancellationToken, int timeoutSeconds = 20) =>
        LabDesktops.RunAsync(Desktops[desktop - 1], command, cancellationToken, timeoutSeconds);

    /// <summary>`curl` from the desktop: the page's body, or null when it could not be fetched within 3 s.</summary>
    public Task<string?> CurlAsync(int desktop, string url, CancellationToken cancellationToken) =>
        LabDesktops.CurlAsync(Desktops[desktop - 1], url, cancellationToken);

    public async Task<bool> PingAsync(int desktop, string address, CancellationToken cancellationToken) =>
        (await OnDesktopAsync(desktop, ["ping", "-c", "1", "-W", "1", address], cancellationToken)).Succeeded;

    /// <summary>A command in the gateway host's namespace (ip, iptables, nft).</summary>
    public Task<ProcessResult> OnGatewayHostAsync(IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        LabDesktops.OnGatewayHostAsync(Host, command, cancellationToken);

    public string GatewayOutput() =>
        Gateway is null ? "(not started)" : Gateway.Tail();

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

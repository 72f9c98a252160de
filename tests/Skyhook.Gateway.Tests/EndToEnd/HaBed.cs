using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Skyhook.Gateway.Tests.Overlay;
using Skyhook.Gateway.Vpn.OpenVpn;
using Skyhook.Lab;
using Skyhook.Lab.Balancer;
using Skyhook.Lab.Controller;
using Skyhook.Lab.Topology;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.EndToEnd;

/// <summary>
/// Issue 9's bed on the overlay lab, everything real: two controller replicas on one PostgreSQL
/// database (their own, dropped at the end) behind an HTTP haproxy on loopback; group "ha" (OpenVPN
/// over TCP, <c>loadBalancer</c> set, so profiles carry the one balancer address) with gateways on lab
/// gateway hosts 4 and 5 (1 and 2 are the overlay tests', 3 <see cref="LabVpnBed"/>'s) enrolled through
/// the balanced controller URL; a TCP haproxy in the lab's namespace on the internet bridge's router
/// address <see cref="LabLayout.InternetGateway"/>:1194 in front of them; desktops 11 to 20 for the
/// stock openvpn clients (one client per desktop: two tunnels in one namespace would have the same
/// routes). Each replica has a data directory of its own, but they share the ASP.NET Data Protection
/// key ring (DATA/keys) that encrypts TOTP secrets, the CA key and the session-token key in the
/// database: the second starts on a copy of the first's, as an operator would deploy them.
/// Disposing stops everything and removes the desktops, hosts and database, also after a failure.
/// </summary>
public sealed class HaBed : IAsyncDisposable
{
    public const string Group = "ha";
    public const string Profile = "ha-dev";
    public const string Password = "an HA user's long password";
    public const int VpnPort = 1194;
    public const int Desktops = 10;

    /// <summary>The allowed port of <see cref="Profile"/> (web containers serve 80 and 8080; 8080 is denied).</summary>
    public const int AllowedPort = 80;

    public const int DeniedPort = 8080;

    private readonly SemaphoreSlim _start = new(1, 1);
    private readonly List<ChildProcess> _clients = [];
    private readonly LabVpnUsers _users = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private Lab.Lab? _lab;
    private string? _startFailure;

    public OverlayLabFixture Fixture { get; private set; } = null!;
    public Lab.Lab Lab => _lab!;
    public IReadOnlyList<GatewayHost> Hosts { get; private set; } = [];
    public IReadOnlyList<GatewayProcess> Gateways { get; private set; } = [];
    public IReadOnlyList<Desktop> DesktopList { get; private set; } = [];
    public IReadOnlyList<LabController> Controllers { get; private set; } = [];

    /// <summary>The admin speaking through the controller balancer.</summary>
    public LabAdmin Admin { get; private set; } = null!;

    public Haproxy ControllerBalancer { get; private set; } = null!;
    public Haproxy VpnBalancer { get; private set; } = null!;
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("skyhook-ha-").FullName;

    private string RunDirectory => Path.Combine("/run", Path.GetFileName(Directory));

    /// <summary>Brings the bed up once; a failure is remembered and reported by every test after it.</summary>
    public async Task EnsureStartedAsync(OverlayLabFixture fixture, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        Requirements.RequireOpenVpn();
        Requirements.RequireHa();
        _ = fixture.Lab;
        await _start.WaitAsync(cancellationToken);
        try
        {
            if (_startFailure is not null)
            {
                Assert.Fail("the HA bed did not come up: " + _startFailure);
            }
            if (_lab is not null)
            {
                return;
            }
            Fixture = fixture;
            try
            {
                await StartAsync(fixture.Lab, cancellationToken);
            }
            catch (Exception ex)
            {
                _startFailure = ex.ToString();
                output.WriteLine(Diagnostics());
                throw;
            }
        }
        finally
        {
            _start.Release();
        }
    }

    private async Task StartAsync(Lab.Lab lab, CancellationToken cancellationToken)
    {
        _lab = lab;
        System.IO.Directory.CreateDirectory(RunDirectory);
        Hosts = [await lab.AddGatewayHostAsync(4, cancellationToken), await lab.AddGatewayHostAsync(5, cancellationToken)];
        var desktops = new List<Desktop>();
        for (var i = 0; i < Desktops; i++)
        {
            desktops.Add(await lab.AddDesktopAsync(11 + i, cancellationToken));
        }
        DesktopList = desktops;

        var database = await PostgresDatabase.CreateAsync(Environment.GetEnvironmentVariable("SKYHOOK_TEST_POSTGRES")!, cancellationToken);
        _owned.Add(database);
        var balancerPort = LabController.FreePort(IPAddress.Loopback);
        var balancerUrl = $"http://127.0.0.1:{balancerPort}";
        var environment = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "postgres",
            ["Storage__ConnectionString"] = database.ConnectionString,
            // The join command names the balancer, not the replica that answered.
            ["Controller__PublicUrl"] = balancerUrl,
            ["Gateways__LongPollTimeout"] = "00:00:10",
            // The lowest the controller takes: ten logins at once on two shared cores.
            ["Auth__PasswordIterations"] = "210000",
        };
        // The first replica alone: it migrates the database, makes the key ring and logs the setup
        // token, which the first admin takes (encrypting a TOTP secret with the key ring). The second
        // starts on what the first made, with a copy of its key ring.
        var first = await LabController.StartAsync(IPAddress.Loopback, environment, cancellationToken);
        _owned.Add(first);
        using (var direct = await LabAdmin.CreateAsync(first, cancellationToken))
        {
            var data = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "controller2", "keys")).Parent!.FullName;
            var keys = System.IO.Directory.GetFiles(Path.Combine(first.DataDirectory, "keys"), "*.xml");
            Assert.NotEmpty(keys);
            foreach (var key in keys)
            {
                File.Copy(key, Path.Combine(data, "keys", Path.GetFileName(key)));
            }
            var second = await LabController.StartAsync(IPAddress.Loopback, new Dictionary<string, string>(environment) { ["Controller__DataDirectory"] = data }, cancellationToken);
            _owned.Add(second);
            Controllers = [first, second];
            ControllerBalancer = await Haproxy.StartHttpAsync(
                System.IO.Directory.CreateDirectory(Path.Combine(Directory, "lb-controller")).FullName,
                new IPEndPoint(IPAddress.Loopback, balancerPort),
                [new HaproxyServer("c1", Endpoint(first.Url)), new HaproxyServer("c2", Endpoint(second.Url))],
                cancellationToken);
            _owned.Add(ControllerBalancer);
            Admin = direct.Through(new Uri(balancerUrl));
        }
        await ControllerBalancer.WaitServerAsync("c1", "UP", TimeSpan.FromSeconds(10), cancellationToken);
        await ControllerBalancer.WaitServerAsync("c2", "UP", TimeSpan.FromSeconds(10), cancellationToken);

        await Admin.PostAsync("/api/v1/profiles", new
        {
            name = Profile,
            basePolicy = "deny-all",
            rules = new[] { new { action = "allow", target = "cidr 10.0.0.0/16", protocol = "tcp", ports = new[] { AllowedPort.ToString(System.Globalization.CultureInfo.InvariantCulture) } } },
        }, cancellationToken);
        await Admin.PostAsync("/api/v1/groups", new
        {
            name = Group,
            transport = "tcp",
            port = VpnPort,
            loadBalancer = $"{LabLayout.InternetGateway}:{VpnPort}",
            // A /24 client block for each gateway, carved from this pool (the default pool holds one).
            clientPool = "192.168.44.0/23",
            clientBlockPrefixLength = 24,
            tunnelMode = "split",
            additionalCidrs = Array.Empty<string>(),
            overlays = new[] { new { name = "multi-host-overlay", subnet = "10.0.0.0/16", enabled = true } },
        }, cancellationToken);

        var gateways = new List<GatewayProcess>();
        foreach (var host in Hosts)
        {
            var added = await Admin.PostAsync($"/api/v1/groups/{Group}/gateways", new { name = host.Name, publicEndpoint = host.PublicAddress }, cancellationToken);
            var gateway = GatewayProcess.OnLabHost(lab, host, Path.Combine(Directory, host.Name), Path.Combine(RunDirectory, host.Name + ".sock"));
            gateways.Add(gateway);
            Gateways = gateways;
            await gateway.JoinWithAsync(added.GetProperty("joinCommand").GetString()!, cancellationToken);
            gateway.Start();
        }
        foreach (var (host, gateway) in Hosts.Zip(Gateways))
        {
            await gateway.WaitConvergedAsync(Admin, host.Name, cancellationToken);
        }

        VpnBalancer = await Haproxy.StartTcpAsync(
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, "lb-vpn")).FullName,
            new IPEndPoint(LabLayout.InternetGateway, VpnPort),
            [.. Hosts.Select(h => new HaproxyServer(h.Name, new IPEndPoint(IPAddress.Parse(h.PublicAddress), VpnPort)))],
            lab.Layout.LabNamespace,
            cancellationToken);
        _owned.Add(VpnBalancer);
        await WaitVpnServersUpAsync(cancellationToken);
    }

    private static IPEndPoint Endpoint(string url)
    {
        var uri = new Uri(url);
        return new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port);
    }

    /// <summary>Until the VPN balancer holds every gateway up (its openvpn answers the TCP check).</summary>
    public async Task WaitVpnServersUpAsync(CancellationToken cancellationToken)
    {
        foreach (var host in Hosts)
        {
            await VpnBalancer.WaitServerAsync(host.Name, "UP", TimeSpan.FromSeconds(60), cancellationToken);
        }
    }

    public GatewayProcess GatewayOf(string name) => Gateways[Hosts.ToList().FindIndex(h => h.Name == name)];

    public Task<JsonElement> WaitConvergedAsync(string name, CancellationToken cancellationToken, DateTimeOffset? since = null) =>
        GatewayOf(name).WaitConvergedAsync(Admin, name, cancellationToken, since);

    /// <summary>kill -9 of gateway <paramref name="name"/> and its openvpn, as its host's death would end them.</summary>
    public Task KillGatewayAsync(string name) => GatewayOf(name).KillWithOpenVpnAsync();

    /// <summary>Starts gateway <paramref name="name"/> again, waits until it converged and the balancer holds it up.</summary>
    public async Task RestartGatewayAsync(string name, CancellationToken cancellationToken)
    {
        var gateway = GatewayOf(name);
        var started = DateTimeOffset.UtcNow;
        if (!gateway.Running)
        {
            gateway.Start();
        }
        await WaitConvergedAsync(name, cancellationToken, started);
        await VpnBalancer.WaitServerAsync(name, "UP", TimeSpan.FromSeconds(60), cancellationToken);
    }

    public Task CreateUserAsync(string name, CancellationToken cancellationToken, string profile = Profile) =>
        _users.CreateAsync(Admin, name, Password, profile, cancellationToken);

    /// <summary>
    /// Until both gateways applied the group's current desired state. Tests call it after making
    /// users and profiles and before they log in, so that they are about failover and not about a
    /// gateway a second behind (a change reaches the replica a gateway long-polls up to a second
    /// later). Such a gateway used to cut the session the controller had just admitted ("user
    /// disabled or removed ... in revision N", 2026-11-28); it no longer does
    /// (<see cref="Skyhook.Gateway.Vpn.OpenVpnReconciler.Revoked"/>, RevokedSessionsTests).
    /// </summary>
    public async Task WaitGatewaysConvergedAsync(CancellationToken cancellationToken)
    {
        foreach (var host in Hosts)
        {
            await WaitConvergedAsync(host.Name, cancellationToken);
        }
    }

    public string NextCode(string user) => _users.NextCode(user);

    /// <summary>The .ovpn the controller hands <paramref name="user"/> for the group, less static-challenge.</summary>
    public async Task<string> ProfileAsync(string user, CancellationToken cancellationToken) =>
        StockOpenVpnClient.WithoutStaticChallenge(await Admin.GetTextAsync($"/api/v1/users/{user}/vpn-profile?group={Group}", cancellationToken));

    /// <summary>A stock openvpn client for <paramref name="user"/> (its label) on <paramref name="desktop"/>, logging in with password + a fresh code.</summary>
    public async Task<HaClient> ConnectAsync(Desktop desktop, string user, CancellationToken cancellationToken, string? profile = null)
    {
        var process = StockOpenVpnClient.Start(desktop.Namespace, Directory, user, profile ?? await ProfileAsync(user, cancellationToken), user,
            StaticChallenge.Encode(Password, NextCode(user)), desktop.OpenVpnDnsArguments);
        lock (_clients)
        {
            _clients.Add(process);
        }
        return new HaClient(user, desktop, process);
    }

    public string ClientLog(string user) => StockOpenVpnClient.Log(Directory, user);

    /// <summary>How many times the client's tunnel came up (openvpn's "Initialization Sequence Completed").</summary>
    public int TunnelsUp(string user) => ClientLog(user).Split("Initialization Sequence Completed").Length - 1;

    public Task WaitTunnelAsync(string user, CancellationToken cancellationToken) =>
        Eventually.True(() => TunnelsUp(user) > 0, $"client '{user}' connected; its log:\n{ClientLog(user)}", TimeSpan.FromSeconds(60), cancellationToken);

    /// <summary>The gateway the controller lists <paramref name="user"/>'s one live session on.</summary>
    public async Task<string> GatewayOfUserAsync(string user, CancellationToken cancellationToken) =>
        await Eventually.Get(
            async () => (await Admin.GetAsync($"/api/v1/sessions?user={user}", cancellationToken)).EnumerateArray()
                .Select(s => s.GetProperty("gateway").GetString()).SingleOrDefault(),
            $"one live session of {user}", TimeSpan.FromSeconds(30), cancellationToken);

    /// <summary>
    /// One request from <paramref name="desktop"/> as a user's tool makes it: a new TCP connection to
    /// <paramref name="address"/>:<paramref name="port"/> (a socket in the desktop's namespace, so no
    /// process starts per probe), <c>GET /</c>, the page "hello from ..." within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<bool> RequestAsync(Desktop desktop, string address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using var socket = NetworkNamespace.CreateSocket(NetworkNamespace.PathOf(desktop.Namespace), AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Parse(address), port, limit.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.0\r\nHost: {address}\r\n\r\n"), SocketFlags.None, limit.Token);
            var answer = new StringBuilder();
            var buffer = new byte[4096];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token)) > 0)
            {
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            return answer.ToString().Contains("hello from", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>
    /// kill -9 of gateway <paramref name="victim"/> (and its openvpn) while every client probes
    /// <paramref name="target"/>:<see cref="AllowedPort"/> every 100 ms with a 1 s timeout; for each
    /// client, the time from the kill to the end of its first successful request started after the
    /// kill (null: none within <paramref name="limit"/>). Every client must carry traffic before.
    /// </summary>
    public async Task<FailoverRun> FailoverAsync(IReadOnlyList<HaClient> clients, string victim, string target, TimeSpan limit, CancellationToken cancellationToken)
    {
        foreach (var client in clients)
        {
            await Eventually.True(() => RequestAsync(client.Desktop, target, AllowedPort, TimeSpan.FromSeconds(2), cancellationToken),
                $"{client.User} reaches {target}:{AllowedPort} before the kill", TimeSpan.FromSeconds(30), cancellationToken);
        }
        var on = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var client in clients)
        {
            on[client.User] = await GatewayOfUserAsync(client.User, cancellationToken);
        }

        // The kill's time in UTC ticks, 0 before it: a probe counts only when it started after the kill.
        long kill = 0;
        var firsts = new DateTimeOffset?[clients.Count];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var probes = clients.Select((client, i) => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && firsts[i] is null)
            {
                var started = DateTimeOffset.UtcNow;
                var armed = Interlocked.Read(ref kill) is var at && at != 0 && started.UtcTicks >= at;
                if (await RequestAsync(client.Desktop, target, AllowedPort, TimeSpan.FromSeconds(1), stop.Token) && armed)
                {
                    firsts[i] = DateTimeOffset.UtcNow;
                    break;
                }
                await Task.Delay(100, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }, CancellationToken.None)).ToList();
        await Task.Delay(500, cancellationToken);
        var killedAt = DateTimeOffset.UtcNow;
        Interlocked.Exchange(ref kill, killedAt.UtcTicks);
        await KillGatewayAsync(victim);
        stop.CancelAfter(limit);
        await Task.WhenAll(probes);
        return new FailoverRun(victim, killedAt,
            [.. clients.Select((c, i) => new FailoverResult(c.User, on[c.User], firsts[i] - killedAt))]);
    }

    /// <summary>What went on: the gateways', balancers' and controllers' output tails.</summary>
    public string Diagnostics()
    {
        var text = new StringBuilder();
        foreach (var (host, gateway) in Hosts.Zip(Gateways))
        {
            text.Append("gateway ").Append(host.Name).Append(" (tail):\n").Append(gateway.Tail(40)).Append('\n');
        }
        foreach (var (controller, i) in Controllers.Select((c, i) => (c, i)))
        {
            // Its decisions about logins (the causes of refusals are only here), then the tail.
            var lines = controller.Log.Split('\n');
            text.Append("controller ").Append(i + 1).Append(" (logins):\n")
                .AppendJoin('\n', lines.Where(l => l.Contains("VPN login", StringComparison.Ordinal) || l.Contains("VPN session", StringComparison.Ordinal) || l.Contains("sign-in", StringComparison.Ordinal)))
                .Append("\ncontroller ").Append(i + 1).Append(" (tail):\n").AppendJoin('\n', lines.TakeLast(10)).Append('\n');
        }
        text.Append("VPN balancer:\n").Append(VpnBalancer?.Log).Append("controller balancer:\n").Append(ControllerBalancer?.Log);
        return text.ToString();
    }

    /// <summary>Every controller replica's log, for what they decided about logins.</summary>
    public string ControllerLogs() => string.Join('\n', Controllers.Select(c => c.Log));

    public async Task StopClientsAsync()
    {
        List<ChildProcess> clients;
        lock (_clients)
        {
            clients = [.. _clients];
            _clients.Clear();
        }
        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
    }

    public async ValueTask DisposeAsync()
    {
        await StopClientsAsync();
        foreach (var gateway in Gateways)
        {
            // A gateway killed by a test leaves its openvpn: end it too.
            await gateway.StopAsync();
            if (gateway.OpenVpnPid() is { } pid && File.Exists($"/proc/{pid}/cmdline") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("openvpn", StringComparison.Ordinal))
            {
                Posix.Signal(pid, Posix.SigKill);
            }
        }
        Admin?.Dispose();
        // Balancers, then controllers, then the database, in the reverse order of their making.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try
            {
                await _owned[i].DisposeAsync();
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or LabException or ProcessFailedException)
            {
                // Keep cleaning up the rest.
            }
        }
        if (_lab is not null)
        {
            foreach (var desktop in DesktopList)
            {
                await _lab.RemoveDesktopAsync(desktop, CancellationToken.None);
            }
            foreach (var host in Hosts)
            {
                await _lab.RemoveGatewayHostAsync(host, CancellationToken.None);
            }
        }
        foreach (var directory in new[] { Directory, RunDirectory }.Where(System.IO.Directory.Exists))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        _start.Dispose();
    }
}

/// <summary>A stock openvpn client of the HA bed: its user (also its label), its desktop, its process.</summary>
public sealed record HaClient(string User, Desktop Desktop, ChildProcess Process);

/// <summary>One client's failover: the gateway it was on before the kill, and the time to its first request that worked after it.</summary>
public sealed record FailoverResult(string User, string GatewayBefore, TimeSpan? Recovery);

/// <summary>One kill of gateway <paramref name="Victim"/> at <paramref name="KilledAt"/> and what every client saw.</summary>
public sealed record FailoverRun(string Victim, DateTimeOffset KilledAt, IReadOnlyList<FailoverResult> Results)
{
    public IEnumerable<FailoverResult> Moved => Results.Where(r => r.GatewayBefore == Victim);
}

using System.Net;
using Microsoft.Extensions.Logging;
using Skyhook.Core.Addressing;
using Skyhook.Core.Identity;
using Skyhook.Core.Pki;
using Skyhook.Core.Vpn;
using Skyhook.Gateway.Vpn.OpenVpn;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Vpn.OpenVpn;

/// <summary>
/// A real openvpn server and its clients in two network namespaces of this test's own
/// (<c>ovt&lt;run stem&gt;&lt;random&gt;s</c> and <c>...c</c>, a veth pair on 198.51.100.0/24 between them). Nothing is
/// added to the host's namespace: no address, no route, no interface. Disposing removes the
/// processes, the namespaces and the temporary folder, whatever state the test left.
/// </summary>
internal sealed class OpenVpnTestBed : IAsyncDisposable
{
    public const string ServerUnderlay = "198.51.100.1";
    public const string ClientUnderlay = "198.51.100.2";
    public const int Port = 1194;
    public static readonly Cidr ClientBlock = Cidr.Parse("192.168.43.0/24");
    public static readonly IPAddress ServerTunnelAddress = IPAddress.Parse("192.168.43.1");

    private readonly ProcessRunner _runner = new();
    private readonly List<ChildProcess> _clients = [];
    private readonly ITestOutputHelper _output;
    private ChildProcess? _server;
    private bool _serverNamespace;
    private bool _clientNamespace;

    private OpenVpnTestBed(string name, ITestOutputHelper output)
    {
        Name = name;
        _output = output;
        Directory = Path.Combine(Path.GetTempPath(), name);
    }

    public string Name { get; }

    public string ServerNamespace => Name + "s";

    public string ClientNamespace => Name + "c";

    /// <summary>Certificates, configs, logs and the management socket; short, for the 108-byte socket path limit.</summary>
    public string Directory { get; }

    public string CaCertificatePem { get; private set; } = "";

    public VpnTransport Transport { get; private set; } = VpnTransport.Udp;

    public RecordingLogger<OpenVpnManagementClient> ManagementLog { get; private set; } = null!;

    public OpenVpnManagementClient Management { get; private set; } = null!;

    public string ServerLog => ReadLog("server.log");

    public static async Task<OpenVpnTestBed> StartAsync(ITestOutputHelper output, CancellationToken cancellationToken) =>
        await StartAsync(output, s => s, cancellationToken);

    public static async Task<OpenVpnTestBed> StartAsync(ITestOutputHelper output, Func<OpenVpnServerSettings, OpenVpnServerSettings> configure, CancellationToken cancellationToken)
    {
        // ./test.sh sets SKYHOOK_TEST_RUN: whatever a crashed run leaves is then named ovt<stem>*.
        var stem = Environment.GetEnvironmentVariable("SKYHOOK_TEST_RUN") is { Length: > 0 and <= 5 } run && run.All(char.IsAsciiLetterOrDigit) ? run : "";
        var name = "ovt" + stem + new string(Enumerable.Range(0, 8 - stem.Length).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());
        var bed = new OpenVpnTestBed(name, output);
        try
        {
            await bed.SetUpAsync(configure, cancellationToken);
            return bed;
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts <c>openvpn</c> as a client in the client namespace with a profile from
    /// <see cref="OpenVpnClientProfile"/>, less its static-challenge line: openvpn 2.6 asks for the
    /// response on a terminal even when --auth-user-pass names a file ("can't ask for 'CHALLENGE:
    /// One-time code'" without a tty), so this client sends the SCRV1 string itself as its password.
    /// </summary>
    public ChildProcess StartClient(string label, string user, string password)
    {
        var profile = string.Join('\n', OpenVpnClientProfile.Render(UserName.Parse(user), "test", Transport, [new VpnEndpoint(ServerUnderlay, Port)], CaCertificatePem)
            .Split('\n').Where(line => !line.StartsWith("static-challenge ", StringComparison.Ordinal)));
        var profilePath = Path.Combine(Directory, label + ".ovpn");
        var credentialsPath = Path.Combine(Directory, label + ".auth");
        File.WriteAllText(profilePath, profile);
        File.WriteAllText(credentialsPath, user + "\n" + password + "\n");
        File.SetUnixFileMode(credentialsPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var client = ChildProcess.Start("nsenter",
        [
            "--net=/run/netns/" + ClientNamespace, "openvpn",
            "--config", profilePath,
            "--auth-user-pass", credentialsPath,
            "--log", Path.Combine(Directory, label + ".log"),
        ]);
        _clients.Add(client);
        return client;
    }

    public string ClientLog(string label) => ReadLog(label + ".log");

    public Task<ProcessResult> InClientAsync(IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        _runner.RunAsync(new ProcessSpec("nsenter", ["--net=/run/netns/" + ClientNamespace, .. command]) { CheckExitCode = false, Timeout = TimeSpan.FromSeconds(20) }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        var problems = new List<string>();
        async Task Try(string what, Func<Task> step)
        {
            try
            {
                await step();
            }
            catch (Exception ex)
            {
                problems.Add($"{what}: {ex.Message}");
            }
        }

        if (Management is not null)
        {
            await Try("management", async () => await Management.DisposeAsync());
        }
        foreach (var client in _clients)
        {
            await Try("client", async () => await client.DisposeAsync());
        }
        if (_server is not null)
        {
            await Try("server", async () => await _server.DisposeAsync());
        }
        if (_serverNamespace)
        {
            await Try("server namespace", () => _runner.RunAsync("ip", ["netns", "delete", ServerNamespace], CancellationToken.None));
        }
        if (_clientNamespace)
        {
            await Try("client namespace", () => _runner.RunAsync("ip", ["netns", "delete", ClientNamespace], CancellationToken.None));
        }
        await Try("temporary folder", () =>
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            return Task.CompletedTask;
        });
        foreach (var problem in problems)
        {
            _output.WriteLine("cleanup: " + problem);
        }
    }

    private async Task SetUpAsync(Func<OpenVpnServerSettings, OpenVpnServerSettings> configure, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        _serverNamespace = true;
        await _runner.RunAsync("ip", ["netns", "add", ServerNamespace], cancellationToken);
        _clientNamespace = true;
        await _runner.RunAsync("ip", ["netns", "add", ClientNamespace], cancellationToken);
        // The veth pair is made inside the server namespace and its peer moved straight into the
        // client's: it never exists in the host's namespace.
        await _runner.RunAsync("ip", ["-n", ServerNamespace, "link", "add", "veth-s", "type", "veth", "peer", "name", "veth-c", "netns", ClientNamespace], cancellationToken);
        await _runner.RunAsync("ip", ["-n", ServerNamespace, "address", "add", ServerUnderlay + "/24", "dev", "veth-s"], cancellationToken);
        await _runner.RunAsync("ip", ["-n", ClientNamespace, "address", "add", ClientUnderlay + "/24", "dev", "veth-c"], cancellationToken);
        foreach (var (ns, device) in new[] { (ServerNamespace, "lo"), (ServerNamespace, "veth-s"), (ClientNamespace, "lo"), (ClientNamespace, "veth-c") })
        {
            await _runner.RunAsync("ip", ["-n", ns, "link", "set", device, "up"], cancellationToken);
        }

        var time = TimeProvider.System;
        var ca = CertificateAuthority.Create("Skyhook Test CA", time);
        var (key, request) = CertificateAuthority.CreateServerRequest("gw1");
        var certificate = CertificateAuthority.SignServer(ca, request, "gw1", time);
        CaCertificatePem = ca.CertificatePem;
        var settings = new OpenVpnServerSettings
        {
            DeviceName = "skyhook-ovpn",
            Port = Port,
            LocalAddress = IPAddress.Parse(ServerUnderlay),
            ClientBlock = ClientBlock,
            CaCertificatePath = Write("ca.crt", ca.CertificatePem),
            CertificatePath = Write("server.crt", certificate),
            PrivateKeyPath = Write("server.key", key),
            ManagementSocketPath = Path.Combine(Directory, "mgmt.sock"),
            StatusFilePath = Path.Combine(Directory, "status.txt"),
        };
        settings = configure(settings);
        Transport = settings.Transport;
        var configPath = Write("server.conf", OpenVpnServerConfig.Render(settings));

        _server = ChildProcess.Start("nsenter",
            ["--net=/run/netns/" + ServerNamespace, "openvpn", "--config", configPath, "--log", Path.Combine(Directory, "server.log")]);
        await Eventually.True(() => File.Exists(settings.ManagementSocketPath) || _server.HasExited,
            "openvpn creates its management socket", TimeSpan.FromSeconds(15), cancellationToken);
        if (_server.HasExited)
        {
            Assert.Fail($"openvpn server exited with {_server.ExitCode}:\n{ServerLog}");
        }

        ManagementLog = new RecordingLogger<OpenVpnManagementClient>(_output);
        Management = await OpenVpnManagementClient.ConnectAsync(settings.ManagementSocketPath, ManagementLog, null, null, cancellationToken);
        // The rendered config holds openvpn until the management client is there (management-hold);
        // events that arrive before a test reads them wait in Management.Events.
        await Management.SendAsync(ManagementCommands.HoldRelease(), cancellationToken);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private string ReadLog(string name)
    {
        var path = Path.Combine(Directory, name);
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }
}

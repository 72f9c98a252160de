using System.Diagnostics;
using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Policy;

/// <summary>
/// Four network namespaces: two VPN clients (alice 10.8.0.2, bob 10.8.0.3), each on its own veth
/// into a gateway namespace (interfaces <c>skyvpn0</c> and <c>skyvpn1</c>, as OpenVPN's /32 routes
/// would be), which forwards to a server namespace (10.0.5.10) running busybox echo servers. The
/// gateway namespace carries the compiled <c>inet skyhook</c> table, so the connections' conntrack
/// entries live there. Every veth is made inside a namespace and never exists in the host's.
/// </summary>
internal sealed class ConntrackTestBed : IAsyncDisposable
{
    public const string AliceAddress = "10.8.0.2";
    public const string BobAddress = "10.8.0.3";
    public const string ServerAddress = "10.0.5.10";

    public static readonly Cidr ClientPool = Cidr.Parse("10.8.0.0/24");

    /// <summary>The gateway's addresses: on the tunnels, and towards the server.</summary>
    public static readonly IPAddress[] GatewayAddresses = [IPAddress.Parse("10.8.0.1"), IPAddress.Parse("10.0.5.1")];

    private readonly ProcessRunner _runner = new();
    private readonly ITestOutputHelper _output;
    private readonly List<string> _namespaces = [];
    private readonly List<Process> _servers = [];
    private readonly List<ConntrackEchoClient> _clients = [];

    private ConntrackTestBed(string name, ITestOutputHelper output)
    {
        _output = output;
        Gateway = name + "g";
        Server = name + "s";
        Alice = name + "a";
        Bob = name + "b";
    }

    public string Gateway { get; }

    public string Server { get; }

    public string Alice { get; }

    public string Bob { get; }

    /// <summary>A bed with only the gateway namespace: enough for conntrack entries inserted by hand.</summary>
    public static Task<ConntrackTestBed> StartGatewayOnlyAsync(ITestOutputHelper output, CancellationToken cancellationToken) =>
        StartAsync(output, full: false, cancellationToken);

    public static Task<ConntrackTestBed> StartAsync(ITestOutputHelper output, CancellationToken cancellationToken) =>
        StartAsync(output, full: true, cancellationToken);

    /// <summary>Alice and bob connected, with the profiles named, all compiled against the tunnels.</summary>
    public static PolicyCompilationInput Input(IReadOnlyList<AccessProfile> profiles, string? aliceProfile, string bobProfile) =>
        new(
            profiles,
            [
                .. aliceProfile is null ? Array.Empty<SessionBinding>() : [new SessionBinding(IPAddress.Parse(AliceAddress), aliceProfile)],
                new SessionBinding(IPAddress.Parse(BobAddress), bobProfile),
            ],
            [],
            ["skyvpn*"]);

    public Task ApplyAsync(PolicyCompilationInput input, CancellationToken cancellationToken) =>
        InAsync(Gateway, ["nft", "-j", "-f", "-"], cancellationToken, NftJson.Render(PolicyCompiler.Compile(input)));

    /// <summary>busybox nc as an echo server on <paramref name="port"/>, a fresh cat per connection; returns once it listens.</summary>
    public async Task StartEchoServerAsync(int port, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("nsenter") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var argument in new[] { "--net=/run/netns/" + Server, "busybox", "nc", "-ll", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-e", "busybox", "cat" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        _servers.Add(Process.Start(startInfo) ?? throw new InvalidOperationException("cannot start the echo server"));
        var filter = "sport = :" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.True(
            async () => (await InAsync(Server, ["ss", "-H", "-l", "-t", "-n", filter], cancellationToken)).StandardOutput.Contains("LISTEN", StringComparison.Ordinal),
            $"an echo server listening on port {port}",
            TimeSpan.FromSeconds(10),
            cancellationToken);
    }

    /// <summary>A connection from the client namespace <paramref name="client"/> to the server's <paramref name="port"/>.</summary>
    public ConntrackEchoClient Connect(string client, int port)
    {
        var connection = ConntrackEchoClient.Start(client, ServerAddress, port);
        _clients.Add(connection);
        return connection;
    }

    /// <summary>A name for namespaces of a test's own, unique to the run: ./test.sh removes namespaces
    /// named ovt&lt;run&gt;* that a crashed run leaves (with their processes).</summary>
    public static string UniqueName()
    {
        var stem = Environment.GetEnvironmentVariable("SKYHOOK_TEST_RUN") is { Length: > 0 and <= 5 } run && run.All(char.IsAsciiLetterOrDigit) ? run : "";
        return "ovt" + stem + new string(Enumerable.Range(0, 8 - stem.Length).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());
    }

    public Task<ProcessResult> InAsync(string networkNamespace, IReadOnlyList<string> command, CancellationToken cancellationToken, string? input = null) =>
        _runner.RunAsync(new ProcessSpec(command[0], command.Skip(1).ToArray()) { StandardInput = input, Timeout = TimeSpan.FromSeconds(60) }.InNetworkNamespace(networkNamespace), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await Try("client", async () => await client.DisposeAsync());
        }

        foreach (var server in _servers)
        {
            await Try("echo server", async () =>
            {
                if (!server.HasExited)
                {
                    server.Kill(entireProcessTree: true);
                }

                await server.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                server.Dispose();
            });
        }

        foreach (var name in _namespaces)
        {
            await Try("namespace " + name, () => _runner.RunAsync("ip", ["netns", "delete", name], CancellationToken.None));
        }
    }

    private async Task Try(string what, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception ex)
        {
            _output.WriteLine($"cleanup: {what}: {ex.Message}");
        }
    }

    private static async Task<ConntrackTestBed> StartAsync(ITestOutputHelper output, bool full, CancellationToken cancellationToken)
    {
        var bed = new ConntrackTestBed(UniqueName(), output);
        try
        {
            await bed.SetUpAsync(full, cancellationToken);
            return bed;
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync(bool full, CancellationToken cancellationToken)
    {
        await AddNamespaceAsync(Gateway, cancellationToken);
        if (!full)
        {
            return;
        }

        await AddNamespaceAsync(Server, cancellationToken);
        await AddNamespaceAsync(Alice, cancellationToken);
        await AddNamespaceAsync(Bob, cancellationToken);

        await IpAsync(Gateway, ["link", "add", "toserver", "type", "veth", "peer", "name", "eth0", "netns", Server], cancellationToken);
        await IpAsync(Gateway, ["address", "add", "10.0.5.1/24", "dev", "toserver"], cancellationToken);
        await IpAsync(Gateway, ["link", "set", "toserver", "up"], cancellationToken);
        await IpAsync(Server, ["address", "add", ServerAddress + "/24", "dev", "eth0"], cancellationToken);
        await IpAsync(Server, ["link", "set", "eth0", "up"], cancellationToken);
        await IpAsync(Server, ["route", "add", "default", "via", "10.0.5.1"], cancellationToken);

        foreach (var (client, address, tunnel) in new[] { (Alice, AliceAddress, "skyvpn0"), (Bob, BobAddress, "skyvpn1") })
        {
            await IpAsync(Gateway, ["link", "add", tunnel, "type", "veth", "peer", "name", "eth0", "netns", client], cancellationToken);
            // The gateway's tunnel address on each link, and a /32 route per client, as openvpn sets them.
            await IpAsync(Gateway, ["address", "add", "10.8.0.1/32", "dev", tunnel], cancellationToken);
            await IpAsync(Gateway, ["link", "set", tunnel, "up"], cancellationToken);
            await IpAsync(Gateway, ["route", "add", address + "/32", "dev", tunnel], cancellationToken);
            await IpAsync(client, ["address", "add", address + "/24", "dev", "eth0"], cancellationToken);
            await IpAsync(client, ["link", "set", "eth0", "up"], cancellationToken);
            await IpAsync(client, ["route", "add", "default", "via", "10.8.0.1"], cancellationToken);
        }

        await InAsync(Gateway, ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"], cancellationToken);
    }

    private async Task AddNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        await _runner.RunAsync("ip", ["netns", "add", name], cancellationToken);
        _namespaces.Add(name);
        await IpAsync(name, ["link", "set", "lo", "up"], cancellationToken);
    }

    private Task<ProcessResult> IpAsync(string networkNamespace, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        _runner.RunAsync("ip", ["-n", networkNamespace, .. arguments], cancellationToken);
}

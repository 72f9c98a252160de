using System.Diagnostics;
using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Lab.Topology;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Policy;

/// <summary>
/// Four network namespaces (<see cref="ForwardingNamespaces"/>): two VPN clients (alice 10.8.0.2,
/// bob 10.8.0.3), each on its own veth into a gateway namespace (interfaces <c>skyvpn0</c> and
/// <c>skyvpn1</c>, as OpenVPN's /32 routes would be), which forwards to a server namespace
/// (10.0.5.10) running busybox echo servers. The gateway namespace carries the compiled
/// <c>inet skyhook</c> table, so the connections' conntrack entries live there.
/// </summary>
internal sealed class ConntrackTestBed : IAsyncDisposable
{
    public const string AliceAddress = "10.8.0.2";
    public const string BobAddress = "10.8.0.3";
    public const string ServerAddress = ForwardingNamespaces.ServerAddress;

    public static readonly Cidr ClientPool = Cidr.Parse("10.8.0.0/24");

    /// <summary>The gateway's addresses: on the tunnels, and towards the server.</summary>
    public static readonly IPAddress[] GatewayAddresses = [IPAddress.Parse(ForwardingNamespaces.GatewayTunnelAddress), IPAddress.Parse(ForwardingNamespaces.GatewayServerAddress)];

    private readonly ProcessRunner _runner = new();
    private readonly ITestOutputHelper _output;
    private readonly ForwardingNamespaces _namespaces;
    private readonly List<Process> _servers = [];
    private readonly List<ConntrackEchoClient> _clients = [];

    private ConntrackTestBed(ForwardingNamespaces namespaces, ITestOutputHelper output)
    {
        _namespaces = namespaces;
        _output = output;
    }

    public string Gateway => _namespaces.Gateway;

    public string Server => _namespaces.Server;

    public string Alice => _namespaces.Client(0);

    public string Bob => _namespaces.Client(1);

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

        await Try("namespaces", async () => await _namespaces.DisposeAsync());
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

    private static async Task<ConntrackTestBed> StartAsync(ITestOutputHelper output, bool full, CancellationToken cancellationToken) =>
        new(await ForwardingNamespaces.CreateAsync(UniqueName(), full ? [AliceAddress, BobAddress] : [], new ProcessRunner(), cancellationToken), output);
}

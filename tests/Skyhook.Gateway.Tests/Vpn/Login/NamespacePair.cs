using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Vpn.Login;

/// <summary>
/// Two network namespaces of this test's own, the gateway host's (<c>...s</c>) and a laptop's
/// (<c>...c</c>), joined by a veth pair on 198.51.100.0/24, as in Vpn/OpenVpn/OpenVpnTestBed. Named
/// ovt&lt;run stem&gt;..., so ./test.sh removes what a crashed run leaves. Nothing is added to the
/// host's namespace. Disposing kills the clients and removes the namespaces.
/// </summary>
internal sealed class NamespacePair : IAsyncDisposable
{
    public const string ServerUnderlay = "198.51.100.1";
    public const string ClientUnderlay = "198.51.100.2";

    private readonly ProcessRunner _runner = new();
    private readonly List<ChildProcess> _clients = [];
    private readonly ITestOutputHelper _output;
    private bool _server;
    private bool _client;

    private NamespacePair(string name, string directory, ITestOutputHelper output)
    {
        Name = name;
        Directory = directory;
        _output = output;
    }

    public string Name { get; }

    public string ServerNamespace => Name + "s";

    public string ClientNamespace => Name + "c";

    public string Directory { get; }

    public static async Task<NamespacePair> CreateAsync(string directory, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        var stem = Environment.GetEnvironmentVariable("SKYHOOK_TEST_RUN") is { Length: > 0 and <= 5 } run && run.All(char.IsAsciiLetterOrDigit) ? run : "";
        var name = "ovt" + stem + new string(Enumerable.Range(0, 8 - stem.Length).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());
        var pair = new NamespacePair(name, directory, output);
        try
        {
            pair._server = true;
            await pair._runner.RunAsync("ip", ["netns", "add", pair.ServerNamespace], cancellationToken);
            pair._client = true;
            await pair._runner.RunAsync("ip", ["netns", "add", pair.ClientNamespace], cancellationToken);
            await pair._runner.RunAsync("ip", ["-n", pair.ServerNamespace, "link", "add", "veth-s", "type", "veth", "peer", "name", "veth-c", "netns", pair.ClientNamespace], cancellationToken);
            await pair._runner.RunAsync("ip", ["-n", pair.ServerNamespace, "address", "add", ServerUnderlay + "/24", "dev", "veth-s"], cancellationToken);
            await pair._runner.RunAsync("ip", ["-n", pair.ClientNamespace, "address", "add", ClientUnderlay + "/24", "dev", "veth-c"], cancellationToken);
            foreach (var (ns, device) in new[] { (pair.ServerNamespace, "lo"), (pair.ServerNamespace, "veth-s"), (pair.ClientNamespace, "lo"), (pair.ClientNamespace, "veth-c") })
            {
                await pair._runner.RunAsync("ip", ["-n", ns, "link", "set", device, "up"], cancellationToken);
            }
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>A stock openvpn client in the laptop namespace; the password is sent as given (an SCRV1 string for a first login).</summary>
    public ChildProcess StartClient(string label, string profile, string user, string password)
    {
        var client = StockOpenVpnClient.Start(ClientNamespace, Directory, label, profile, user, password);
        _clients.Add(client);
        return client;
    }

    public string ClientLog(string label) => StockOpenVpnClient.Log(Directory, label);

    public Task<ProcessResult> InClientAsync(IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        _runner.RunAsync(new ProcessSpec("nsenter", ["--net=/run/netns/" + ClientNamespace, .. command]) { CheckExitCode = false, Timeout = TimeSpan.FromSeconds(20) }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
        foreach (var (made, ns) in new[] { (_server, ServerNamespace), (_client, ClientNamespace) })
        {
            if (!made)
            {
                continue;
            }
            try
            {
                await _runner.RunAsync("ip", ["netns", "delete", ns], CancellationToken.None);
            }
            catch (Exception ex)
            {
                _output.WriteLine($"cleanup: namespace {ns}: {ex.Message}");
            }
        }
    }
}

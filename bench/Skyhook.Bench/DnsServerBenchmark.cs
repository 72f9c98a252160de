using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Skyhook.Core.Contracts;
using Skyhook.Core.Dns;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Gateway.Dns;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Vpn;

namespace Skyhook.Bench;

/// <summary>
/// The gateway's DNS service hosted in process on 127.0.0.1 for bench/dns.sh (issue 7), wired as
/// <see cref="DnsReconciler"/> wires it, with <see cref="DnsOptions"/>' defaults: the real
/// <see cref="DnsServer"/>, <see cref="DnsHandler"/>, <see cref="DnsForwarder"/> and
/// <see cref="DnsCache"/>, a <see cref="DnsView"/> built from a validated desired state and a
/// synthetic discovery snapshot, and the real <see cref="DnsQueryLogger"/> at Information (the
/// gateway's default level: it logs each query only at Debug), behind a counter.
/// <list type="bullet">
/// <item>Containers web0..web{N-1}, one IPv4 address each in 10.0.0.0/16 (from 10.0.1.0), label
/// tier=admin on every 50th (web0, web50, ...), else tier=web; services api (4 tasks), worker (8) and
/// db (2) in 10.0.250.0/24, whose names and tasks.NAME answer all their tasks' addresses.</item>
/// <item>Search domain apps.internal; one user, alice, whose profile dev is allow-all with
/// "deny label tier=admin all"; her session is at 127.0.0.1, so every query from loopback goes through
/// her view: the tier=admin containers are hidden from her (NXDOMAIN), as the group's default
/// (hideUnreachableNames true) does. <c>--show-all</c> turns hiding off, to see what the filter costs.</item>
/// <item>Other names go to <c>--upstream IP:PORT</c> (none: they get SERVFAIL).</item>
/// </list>
/// Usage: <c>dns-server PORT_FILE [--upstream IP:PORT] [--containers N] [--hosts FILE] [--names FILE] [--show-all]</c>.
/// Writes the port to PORT_FILE once it listens; <c>--hosts</c>: the answers alice gets, as a hosts
/// file (what dnsmasq is loaded with); <c>--names</c>: every overlay name under the search domain,
/// hidden ones included. Serves until stdin closes, then prints what the run cost as KEY=VALUE lines:
/// queries by source, CPU seconds, GC counts, bytes allocated.
/// </summary>
public static class DnsServerBenchmark
{
    private const string Domain = "apps.internal";
    private const string User = "alice";
    private const string HiddenLabel = "tier=admin";
    private const int HiddenEvery = 50;
    private static readonly (string Name, int Tasks)[] Services = [("api", 4), ("worker", 8), ("db", 2)];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextReader stdin)
    {
        string? portFile = null, hostsFile = null, namesFile = null;
        IPEndPoint? upstream = null;
        var containers = 1000;
        var hide = true;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--upstream" when i + 1 < args.Count:
                    upstream = IPEndPoint.Parse(args[++i]);
                    break;
                case "--containers" when i + 1 < args.Count:
                    containers = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--hosts" when i + 1 < args.Count:
                    hostsFile = args[++i];
                    break;
                case "--names" when i + 1 < args.Count:
                    namesFile = args[++i];
                    break;
                case "--show-all":
                    hide = false;
                    break;
                case var path when portFile is null && !path.StartsWith('-'):
                    portFile = path;
                    break;
                default:
                    return Usage($"unexpected argument '{args[i]}'");
            }
        }
        if (portFile is null || containers is < 1 or > 60_000)
        {
            return Usage("a PORT_FILE and 1 to 60,000 containers");
        }

        var endpoints = Endpoints(containers);
        var state = State(upstream, hide);
        var table = OverlayNameTable.Build(endpoints, state.SearchDomains);
        var view = new DnsView(table, state, upstream is null ? [] : [upstream]);
        var names = endpoints.SelectMany(BaseNames).Distinct().Select(n => $"{n}.{Domain}").ToList();
        if (hostsFile is not null)
        {
            await File.WriteAllLinesAsync(hostsFile, names.SelectMany(n => view.Find(n, User)!.Select(a => $"{a} {n}")));
        }
        if (namesFile is not null)
        {
            await File.WriteAllLinesAsync(namesFile, names);
        }

        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddSimpleConsole().AddFilter("Microsoft", LogLevel.Warning));
        var options = new DnsOptions();
        var sessions = new VpnSessions();
        sessions.Add(new VpnSession(1, User, "bench", IPAddress.Loopback, null, DateTimeOffset.UtcNow));
        var forwarder = new DnsForwarder(
            DnsServer.SocketsIn(null),
            new DnsCache(options.CacheEntries, TimeProvider.System),
            TimeProvider.System,
            TimeSpan.FromMilliseconds(options.UpstreamTimeoutMilliseconds),
            loggers.CreateLogger<DnsForwarder>());
        var observer = new CountingDnsObserver(new DnsQueryLogger(loggers.CreateLogger<DnsQueryLogger>()));
        var handler = new DnsHandler(sessions, forwarder, observer, TimeProvider.System, (uint)options.ContainerTtlSeconds) { View = view };
        await using (var server = DnsServer.Start(new IPEndPoint(IPAddress.Loopback, 0), null, handler, options.MaxTcpConnections, loggers.CreateLogger<DnsServer>()))
        {
            await File.WriteAllTextAsync(portFile, server.EndPoint.Port.ToString(CultureInfo.InvariantCulture));
            await stdin.ReadToEndAsync();
        }

        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"containers={containers} names={table.NameCount} hide={hide.ToString().ToLowerInvariant()}");
        Console.WriteLine($"queries={observer.Total} " + string.Join(' ', Enum.GetValues<DnsAnswerSource>().Select(s => $"{s.ToString().ToLowerInvariant()}={observer.Count(s)}")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cpu_seconds={process.TotalProcessorTime.TotalSeconds:F2} gc0={GC.CollectionCount(0)} gc1={GC.CollectionCount(1)} gc2={GC.CollectionCount(2)} allocated_bytes={GC.GetTotalAllocatedBytes()} processors={Environment.ProcessorCount}"));
        return 0;
    }

    private static List<DiscoveredEndpoint> Endpoints(int containers)
    {
        var endpoints = Enumerable.Range(0, containers).Select(i => Endpoint(
            Address(1, i),
            string.Create(CultureInfo.InvariantCulture, $"web{i}"),
            service: null,
            i % HiddenEvery == 0 ? HiddenLabel : "tier=web")).ToList();
        var next = 0;
        foreach (var (service, tasks) in Services)
        {
            for (var t = 1; t <= tasks; t++)
            {
                endpoints.Add(Endpoint(Address(250, next++), string.Create(CultureInfo.InvariantCulture, $"{service}.{t}.task{t}"), service, $"tier={service}"));
            }
        }
        return endpoints;
    }

    private static IPAddress Address(int fromThird, int index) =>
        new([10, 0, (byte)(fromThird + (index >> 8)), (byte)(index & 255)]);

    private static DiscoveredEndpoint Endpoint(IPAddress address, string container, string? service, string label)
    {
        var (key, value) = (label[..label.IndexOf('=', StringComparison.Ordinal)], label[(label.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        return new([address], new EndpointFacts(container, service, new Dictionary<string, string> { [key] = value }, ["multi-host-overlay"]));
    }

    private static IEnumerable<string> BaseNames(DiscoveredEndpoint endpoint) =>
        endpoint.Facts.Service is { } service ? [endpoint.Facts.Container!, service, "tasks." + service] : [endpoint.Facts.Container!];

    /// <summary>The desired state a controller would send, validated the way the gateway validates it.</summary>
    private static ValidatedState State(IPEndPoint? upstream, bool hide)
    {
        var document = DesiredStateHash.Seal(new DesiredState(
            ContractVersion.Current,
            1,
            "",
            new GatewayAssignment("gw1", "192.168.43.0/24", "198.51.100.1"),
            new GroupDocument("default", "udp", 1194, "split", [], upstream is null ? [] : [upstream.Address.ToString()], [Domain], 43200,
                [new OverlayDocument("multi-host-overlay", "10.0.0.0/16", true, null, null)], hide),
            [new ProfileDocument("dev", "allow-all", [$"deny label {HiddenLabel} all"])],
            [new UserDocument(User, "dev", true)]));
        return DesiredStateValidator.Validate(document, out var errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
    }

    private static int Usage(string error)
    {
        Console.Error.WriteLine($"dns-server: {error}. Usage: dns-server PORT_FILE [--upstream IP:PORT] [--containers N] [--hosts FILE] [--names FILE] [--show-all]");
        return 2;
    }
}

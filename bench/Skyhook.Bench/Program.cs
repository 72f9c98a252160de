using System.Globalization;
using System.Net;
using Skyhook.Bench;
using Skyhook.Lab.Controller;

// Benchmarks against a real controller process on loopback, set up through its API. Prints the
// table of one docs/BENCHMARKS.md section; bench/run.sh adds the heading and the machine.
//   Skyhook.Bench [SECONDS] [controller|gateway|policy|propagation|probe|policy-table|udp-flood|events|dns-server]
//   controller (issue 3): API reads and login decisions, SECONDS per scenario (default 8);
//   gateway (issue 4): login storms through the gateway's management-socket path;
//   policy (issue 6): a full compile of the gateway's nftables table and incremental changes to it,
//   in process (no controller; as root with nft, also applied in a namespace of its own);
//   propagation [PAUSE] (issue 6): CHANGES profile changes on a lab demo, whose `skyhook lab demo --json`
//     comes on stdin, timed to their enforcement, PAUSE (default 0.5-1.5) s apart (bench/propagation.sh), with this probe:
//   probe ADDRESS PORT: connects every 5 ms and prints when reachability flips (run in a namespace);
//   policy-table OUT.json --large|--small --client IP --server IP --interface PATTERN (issue 6): writes
//     the per-packet benchmark's tables (bench/policypath.sh), with this sender:
//   udp-flood ADDRESS PORT: SECONDS of 64-byte UDP datagrams nobody answers (run in a namespace).
//   events [ROUNDS] (issue 8): controller ingest on SQLite (and PostgreSQL with SKYHOOK_BENCH_POSTGRES) against
//     bare inserts, the gateway's spool and shipper against a plain file, the delay to the API; SECONDS per run (bench/events.sh).
//   flow-delay [COUNT] (issue 8, as root): COUNT real TCP connections closed in namespaces, to their flow events in the API.
//   dns-server PORT_FILE [--upstream IP:PORT] [--containers N] ... (issue 7): the gateway's DNS service on
//     127.0.0.1 until stdin closes, for bench/dns.sh's dnsperf (DnsServerBenchmark); SECONDS is unused.
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
var section = args.Length > 1 ? args[1] : "controller";
switch (section)
{
    case "controller" or "gateway":
        break;
    case "policy":
        PolicyCompilerBenchmarks.Print();
        Console.WriteLine();
        await PolicyChangeBenchmarks.PrintAsync(CancellationToken.None);
        return 0;
    case "propagation":
        await PropagationBenchmarks.PrintAsync(seconds, args.Length > 2 ? args[2] : "0.5-1.5", Console.In, CancellationToken.None);
        return 0;
    case "probe" when args.Length == 4:
        await ReachabilityProbe.RunAsync(new IPEndPoint(IPAddress.Parse(args[2]), int.Parse(args[3], CultureInfo.InvariantCulture)), CancellationToken.None);
        return 0;
    case "policy-table":
        return PolicyPathTables.Write(args[2..]);
    case "udp-flood" when args.Length == 4:
        UdpFlood.Run(new IPEndPoint(IPAddress.Parse(args[2]), int.Parse(args[3], CultureInfo.InvariantCulture)), seconds);
        return 0;
    case "events":
        await EventsBenchmarks.PrintAsync(seconds, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3, CancellationToken.None);
        return 0;
    case "flow-delay":
        await EventsBenchmarks.PrintFlowDelayAsync(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20, CancellationToken.None);
        return 0;
    case "dns-server":
        return await DnsServerBenchmark.RunAsync(args[2..], Console.In);
    default:
        Console.Error.WriteLine($"unknown section '{section}': controller, gateway, policy, propagation, probe ADDRESS PORT, policy-table OUT.json ..., udp-flood ADDRESS PORT, events [ROUNDS], flow-delay [COUNT], or dns-server PORT_FILE ...");
        return 2;
}

var cancel = CancellationToken.None;

await using var controller = await LabController.StartAsync(IPAddress.Loopback, environment: null, cancel);
using var admin = await LabAdmin.CreateAsync(controller, cancel);
await admin.PostAsync("/api/v1/profiles", new { name = "developers", basePolicy = "deny-all", rules = new[] { new { action = "allow", target = "container web1", protocol = "tcp", ports = new[] { "80" } } } }, cancel);
if (section == "controller")
{
    await ControllerBenchmarks.PrintAsync(controller, admin, seconds, cancel);
}
else
{
    await GatewayLoginBenchmarks.PrintAsync(controller, admin, cancel);
}
return 0;

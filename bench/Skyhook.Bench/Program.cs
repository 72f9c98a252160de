using System.Globalization;
using System.Net;
using Skyhook.Bench;
using Skyhook.Lab.Controller;

// Benchmarks against a real controller process on loopback, set up through its API. Prints the
// table of one docs/BENCHMARKS.md section; bench/run.sh adds the heading and the machine.
//   Skyhook.Bench [SECONDS] [controller|gateway]
//   controller (issue 3): API reads and login decisions, SECONDS per scenario (default 8);
//   gateway (issue 4): login storms through the gateway's management-socket path;
//   policy (issue 6): a full compile of the gateway's nftables table and incremental changes to it,
//   in process (no controller; as root with nft, also applied in a namespace of its own).
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
var section = args.Length > 1 ? args[1] : "controller";
if (section is not ("controller" or "gateway" or "policy"))
{
    Console.Error.WriteLine($"unknown section '{section}': controller, gateway or policy");
    return 2;
}

if (section == "policy")
{
    PolicyCompilerBenchmarks.Print();
    Console.WriteLine();
    await PolicyChangeBenchmarks.PrintAsync(CancellationToken.None);
    return 0;
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

var builder = Host.CreateApplicationBuilder(args);

// The gateway's reconcilers (overlay, VPN, policy, DNS, telemetry, sync) arrive with the gateway
// issue; until then the host starts and stops cleanly.
var host = builder.Build();
host.Run();

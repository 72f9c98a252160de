using Skyhook.Gateway.Host;
using Skyhook.Gateway.Telemetry;

// skyhook-gateway join URL TOKEN --fingerprint sha256:HEX ...   enrol this host (once)
// skyhook-gateway [run]                                          run the reconcilers
if (args is ["join", .. var joinArgs])
{
    return await JoinCommand.RunAsync(joinArgs, Console.Out, Console.Error, CancellationToken.None);
}

var builder = Host.CreateApplicationBuilder(args is ["run", .. var runArgs] ? runArgs : args);
if (!builder.TryAddGatewayHost(out var problem))
{
    Console.Error.WriteLine("skyhook-gateway: " + problem);
    return 1;
}
builder.AddSync();
builder.AddDiscovery();
// Before the event sources (DNS, OpenVPN logins), which publish to its sink.
builder.AddTelemetry();
// In this order: the policy table before openvpn takes logins; a new state cuts revoked VPN
// sessions before the slower host work.
builder.AddPolicy();
builder.AddFlowTelemetry();
builder.AddDns();
builder.AddOpenVpn();
builder.AddOverlayNetworks();

using var host = builder.Build();
await host.RunAsync();
return Environment.ExitCode;

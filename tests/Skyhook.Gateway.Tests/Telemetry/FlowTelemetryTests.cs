using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Skyhook.Core.Contracts;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Gateway.Discovery;
using Skyhook.Gateway.Overlay;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Telemetry;
using Skyhook.Gateway.Tests.Policy;
using Skyhook.Gateway.Tests.Sync;
using Skyhook.Gateway.Vpn;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Telemetry;

/// <summary>
/// The flow and web sources against the real kernel: alice (10.8.0.2) behind the gateway namespace of
/// a <see cref="ConntrackTestBed"/>, the compiled <c>inet skyhook</c> table there, and busybox echo
/// servers at 10.0.5.10, which discovery calls container web1. Real conntrack events, real nflog
/// packets, real curl requests.
/// </summary>
[Collection(KernelStateCollection.Name)]
public sealed class FlowTelemetryTests(ITestOutputHelper output)
{
    private const string Server = ConntrackTestBed.ServerAddress;

    private static readonly DesiredState Desired = States.Valid() with
    {
        Gateway = new GatewayAssignment("gw1", "10.8.0.0/24", "198.51.100.1"),
        Profiles = [new ProfileDocument("dev", "deny-all", ["deny container web1 tcp 9998", "allow container web1 tcp 8080", "allow container web1 tcp 8443"])],
        Users = [new UserDocument("alice", "dev", true)],
    };

    private static readonly DiscoveredEndpoint Web1 = DiscoveredEndpoints.Create([IPAddress.Parse(Server)], "web1", "web", [], ["multi-host-overlay"]);

    [Fact]
    public async Task Connection_AllowedAndClosed_IsAFlowWithBytesBothWays()
    {
        await WithBedAsync(async (bed, telemetry, sink, cancellationToken) =>
        {
            await bed.StartEchoServerAsync(8080, cancellationToken);
            await using (var client = bed.Connect(bed.Alice, 8080))
            {
                Assert.True(await client.EchoesAsync("hello through the gateway", TimeSpan.FromSeconds(10), cancellationToken));
            }

            // The echo server does not close its side, so the entry would wait out FIN_WAIT: its end is forced.
            await bed.InAsync(bed.Gateway, ["conntrack", "-D", "-p", "tcp", "--dport", "8080"], cancellationToken);

            var flow = await ArrivesAsync(sink, e => e is { Kind: EventKinds.Flow, Verdict: Verdicts.Allowed, Port: 8080 }, "an allowed flow to web1:8080", cancellationToken);
            Assert.Equal("alice", flow.User);
            Assert.Equal(ConntrackTestBed.AliceAddress, flow.VpnAddress);
            Assert.Equal("tcp", flow.Protocol);
            Assert.Equal(Server, flow.Destination);
            Assert.Equal("web1", flow.Container);
            Assert.Equal("web", flow.Service);
            Assert.StartsWith("rule 2 (allow container web1 tcp 8080) matched", flow.Rule, StringComparison.Ordinal);
            Assert.True(flow.BytesFromClient > 60, $"bytes from client {flow.BytesFromClient}");
            Assert.True(flow.BytesToClient > 60, $"bytes to client {flow.BytesToClient}");
            Assert.True(flow.PacketsFromClient >= 3 && flow.PacketsToClient >= 2);
            Assert.True(flow.Ended >= flow.At);
        });
    }

    [Fact]
    public async Task Connection_DeniedByARule_IsADeniedFlowNamingTheRule()
    {
        await WithBedAsync(async (bed, telemetry, sink, cancellationToken) =>
        {
            // Two attempts within the window (curl's SYN and its retransmission, then a second curl): one denied flow.
            await CurlAsync(bed, ["--connect-timeout", "2", "http://" + Server + ":9998/"], cancellationToken);
            await CurlAsync(bed, ["--connect-timeout", "1", "http://" + Server + ":9998/"], cancellationToken);

            var denied = await ArrivesAsync(sink, e => e is { Kind: EventKinds.Flow, Verdict: Verdicts.Denied, Port: 9998 }, "a denied flow to web1:9998", cancellationToken);
            Assert.Equal("alice", denied.User);
            Assert.Equal("web1", denied.Container);
            Assert.StartsWith("rule 1 (deny container web1 tcp 9998) matched", denied.Rule, StringComparison.Ordinal);
            Assert.True(denied.PacketsFromClient >= 2, $"packets refused {denied.PacketsFromClient}");
            Assert.Null(denied.Ended);

            await CurlAsync(bed, ["--connect-timeout", "1", "http://" + Server + ":7000/"], cancellationToken);
            var byBase = await ArrivesAsync(sink, e => e is { Kind: EventKinds.Flow, Verdict: Verdicts.Denied, Port: 7000 }, "a denied flow to web1:7000", cancellationToken);
            Assert.EndsWith("base policy deny-all", byBase.Rule, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task HttpAndHttpsRequests_AreWebEventsWithHostPathAndServerName()
    {
        await WithBedAsync(async (bed, telemetry, sink, cancellationToken) =>
        {
            await bed.StartEchoServerAsync(8080, cancellationToken);
            await bed.StartEchoServerAsync(8443, cancellationToken);
            await CurlAsync(bed, ["-H", "Host: web1.apps.internal", "http://" + Server + ":8080/hello/world?x=1"], cancellationToken);
            await CurlAsync(bed, ["-k", "--resolve", "web1.apps.internal:8443:" + Server, "https://web1.apps.internal:8443/"], cancellationToken);

            var http = await ArrivesAsync(sink, e => e is { Kind: EventKinds.Web, Scheme: "http" }, "a web event for the HTTP request", cancellationToken);
            Assert.Equal(("GET", "web1.apps.internal", "/hello/world?x=1"), (http.Method, http.Name, http.Path));
            Assert.Equal(("alice", Server, 8080, "web1"), (http.User, http.Destination, http.Port, http.Container));

            var https = await ArrivesAsync(sink, e => e is { Kind: EventKinds.Web, Scheme: "https" }, "a web event for the TLS connection", cancellationToken);
            Assert.Equal(("web1.apps.internal", 8443, (string?)null, (string?)null), (https.Name, https.Port, https.Method, https.Path));

            // One event per connection, however many of its packets were logged.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            Assert.Equal(2, sink.Events.Count(e => e.Kind == EventKinds.Web));
        });
    }

    [Fact]
    public async Task Sources_NamespaceMadeAfterStart_RunOnceItExists()
    {
        Requirements.RequireConntrack();
        var cancellationToken = TestContext.Current.CancellationToken;
        var name = ConntrackTestBed.UniqueName();
        var runner = new ProcessRunner();
        await using var telemetry = new FlowTelemetry(
            Options.Create(new FlowTelemetryOptions()),
            Options.Create(new OverlayOptions { HostNetworkNamespace = name }),
            new FlowContext(new VpnSessions()),
            new RecordingEventSink(),
            runner,
            TimeProvider.System,
            NullLogger<FlowTelemetry>.Instance);
        await telemetry.StartAsync(cancellationToken);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
            Assert.False(telemetry.ConntrackRunning && telemetry.GroupsBound > 0);
            await runner.RunAsync("ip", ["netns", "add", name], cancellationToken);
            await Eventually.True(() => telemetry.ConntrackRunning && telemetry.GroupsBound == 2, "conntrack -E and both nflog readers running in the new namespace", TimeSpan.FromSeconds(20), cancellationToken);
            var sysctl = await runner.RunAsync(
                new ProcessSpec("sysctl", ["-n", "net.netfilter.nf_conntrack_acct", "net.netfilter.nf_conntrack_tcp_timeout_time_wait", "net.netfilter.nf_conntrack_tcp_timeout_close"]).InNetworkNamespace(name),
                cancellationToken);
            // Accounting on; a closed connection's entry (and so its flow event) goes after a second.
            Assert.Equal(["1", "1", "1"], sysctl.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            await telemetry.StopAsync(CancellationToken.None);
            await runner.RunAsync(new ProcessSpec("ip", ["netns", "delete", name]) { CheckExitCode = false }, CancellationToken.None);
        }
    }

    private static Task<TelemetryEvent> ArrivesAsync(RecordingEventSink sink, Func<TelemetryEvent, bool> match, string expected, CancellationToken cancellationToken) =>
        Eventually.Get(() => sink.Events.FirstOrDefault(match), expected, TimeSpan.FromSeconds(15), cancellationToken);

    private async Task CurlAsync(ConntrackTestBed bed, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await new ProcessRunner().RunAsync(
            new ProcessSpec("timeout", ["5", "curl", "--noproxy", "*", "-s", "-o", "/dev/null", .. arguments]) { CheckExitCode = false }.InNetworkNamespace(bed.Alice),
            cancellationToken);
        output.WriteLine($"curl {string.Join(' ', arguments)}: exit {result.ExitCode}");
    }

    private async Task WithBedAsync(Func<ConntrackTestBed, FlowTelemetry, RecordingEventSink, CancellationToken, Task> test)
    {
        Requirements.RequireConntrack();
        if (ExecutableSearch.Find("curl") is null)
        {
            Assert.Skip("curl is not installed (apt-get install curl)");
        }

        var cancellationToken = TestContext.Current.CancellationToken;
        var state = DesiredStateValidator.Validate(DesiredStateHash.Seal(Desired), out var errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
        await using var bed = await ConntrackTestBed.StartAsync(output, cancellationToken);
        var input = new PolicyCompilationInput(
            [.. state.Profiles.Values],
            [new SessionBinding(IPAddress.Parse(ConntrackTestBed.AliceAddress), "dev")],
            [Web1],
            ["skyvpn*"]);
        await bed.InAsync(bed.Gateway, ["nft", "-j", "-f", "-"], cancellationToken, NftJson.Render(PolicyCompiler.Compile(input)));

        var sessions = new VpnSessions();
        sessions.Add(new VpnSession(1, "alice", "dev", IPAddress.Parse(ConntrackTestBed.AliceAddress), null, DateTimeOffset.UtcNow, "0123456789abcdef0123456789abcdef"));
        var context = new FlowContext(sessions, new StaticEndpoints(Web1));
        await context.ApplyAsync(state, cancellationToken);
        var sink = new RecordingEventSink();
        await using var telemetry = new FlowTelemetry(
            Options.Create(new FlowTelemetryOptions { DeniedWindowSeconds = 3 }),
            Options.Create(new OverlayOptions { HostNetworkNamespace = bed.Gateway }),
            context,
            sink,
            new ProcessRunner(),
            TimeProvider.System,
            NullLogger<FlowTelemetry>.Instance);
        await telemetry.StartAsync(cancellationToken);
        try
        {
            await Eventually.True(() => telemetry.ConntrackRunning && telemetry.GroupsBound == 2, "conntrack -E running and both nflog groups bound", TimeSpan.FromSeconds(15), cancellationToken);
            // conntrack -E subscribes a moment after it starts.
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            await test(bed, telemetry, sink, cancellationToken);
        }
        finally
        {
            await telemetry.StopAsync(CancellationToken.None);
            foreach (var e in sink.Events)
            {
                output.WriteLine(e.ToString());
            }
        }
    }
}

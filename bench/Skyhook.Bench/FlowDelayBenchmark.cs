using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Overlay;
using Skyhook.Gateway.Telemetry;
using Skyhook.Gateway.Vpn;
using Skyhook.Lab.Controller;
using Skyhook.Lab.Topology;
using Skyhook.Linux;

namespace Skyhook.Bench;

/// <summary>
/// Issue 8, a flow's delay on an idle system: real TCP connections from a VPN client's namespace
/// through a gateway namespace (<see cref="ForwardingNamespaces"/>) to a server namespace, each
/// closed by both ends, timed from the client's close to an admin's long poll answering with its
/// flow event. On the way: the kernel's conntrack (TIME_WAIT shortened to
/// <c>Telemetry:Flows:ClosedConnectionSeconds</c> by <see cref="FlowTelemetry"/>), its DESTROY
/// event, the real <see cref="FlowTelemetry"/> (conntrack -E child, FlowRecorder, FlowContext), the
/// spool and shipper of <see cref="DelayBenchmark"/>, the controller. The gateway namespace's table
/// only turns conntrack on (the policy's verdicts are not on this path).
/// </summary>
public static class FlowDelayBenchmark
{
    private const string Client = "10.8.0.2";
    private const int Port = 8080;

    public sealed record Sample(double TotalMs, double CloseToPublishMs, double PublishToVisibleMs);

    public static async Task<List<Sample>> RunAsync(LabController controller, LabAdmin admin, int count, CancellationToken cancellationToken)
    {
        var runner = new ProcessRunner();
        var stem = "bfd" + Guid.NewGuid().ToString("N")[..6];
        await using var namespaces = await ForwardingNamespaces.CreateAsync(stem, [Client], runner, cancellationToken);
        await runner.RunAsync(
            new ProcessSpec("nft", ["-f", "-"])
            {
                StandardInput = "table inet skyhook_bench {\n chain forward {\n  type filter hook forward priority 0;\n  ct state established,related accept\n }\n}\n",
            }.InNetworkNamespace(namespaces.Gateway),
            cancellationToken);

        await using var delay = await DelayBenchmark.StartAsync(controller, admin, "flow-delay-gw", cancellationToken);
        var sessions = new VpnSessions();
        sessions.Add(new VpnSession(1, "alice", "dev", IPAddress.Parse(Client), null, DateTimeOffset.UtcNow, "0123456789abcdef0123456789abcdef"));
        var sink = new TimingSink(delay.Spool);
        await using var telemetry = new FlowTelemetry(
            Options.Create(new FlowTelemetryOptions()),
            Options.Create(new OverlayOptions { HostNetworkNamespace = namespaces.Gateway }),
            new FlowContext(sessions),
            sink,
            runner,
            TimeProvider.System,
            NullLogger<FlowTelemetry>.Instance);
        await telemetry.StartAsync(cancellationToken);
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!telemetry.ConntrackRunning && deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100, cancellationToken);
            }
            if (!telemetry.ConntrackRunning)
            {
                throw new InvalidOperationException("conntrack -E did not start in the gateway namespace");
            }
            // conntrack -E subscribes a moment after it starts.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);

            using var listener = NetworkNamespace.CreateSocket(NetworkNamespace.PathOf(namespaces.Server), AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Parse(ForwardingNamespaces.ServerAddress), Port));
            listener.Listen();
            var samples = new List<Sample>();
            for (var i = 0; i < count; i++)
            {
                var poll = delay.NextAsync(e => e.GetProperty("kind").GetString() == EventKinds.Flow, cancellationToken);
                // The poll parked on the controller before the connection exists.
                await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
                var closed = await ConnectionAsync(namespaces.Client(0), listener, cancellationToken);
                var (_, visible) = await poll;
                var published = sink.LastFlowPublishedAt;
                samples.Add(new Sample(
                    Stopwatch.GetElapsedTime(closed, visible).TotalMilliseconds,
                    Stopwatch.GetElapsedTime(closed, published).TotalMilliseconds,
                    Stopwatch.GetElapsedTime(published, visible).TotalMilliseconds));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"flow {i + 1}: {samples[^1].TotalMs:0} ms"));
                await Task.Delay(TimeSpan.FromMilliseconds(700), cancellationToken);
            }
            return samples;
        }
        finally
        {
            await telemetry.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>One request and answer, then both ends close (the client first); returns when the client closed.</summary>
    private static async Task<long> ConnectionAsync(string clientNamespace, Socket listener, CancellationToken cancellationToken)
    {
        using var client = NetworkNamespace.CreateSocket(NetworkNamespace.PathOf(clientNamespace), AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accepting = listener.AcceptAsync(cancellationToken);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Parse(ForwardingNamespaces.ServerAddress), Port), cancellationToken);
        using var server = await accepting;
        var buffer = new byte[64];
        await client.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray(), cancellationToken);
        _ = await server.ReceiveAsync(buffer, cancellationToken);
        await server.SendAsync("HTTP/1.0 200 OK\r\n\r\n"u8.ToArray(), cancellationToken);
        _ = await client.ReceiveAsync(buffer, cancellationToken);
        client.Shutdown(SocketShutdown.Both);
        var closed = Stopwatch.GetTimestamp();
        client.Close();
        // The server reads the FIN and closes its end: the connection goes to TIME_WAIT on the client.
        _ = await server.ReceiveAsync(buffer, cancellationToken);
        server.Shutdown(SocketShutdown.Both);
        server.Close();
        return closed;
    }

    /// <summary>Passes every event to the spool and notes when the last flow event was published.</summary>
    private sealed class TimingSink(IEventSink spool) : IEventSink
    {
        private long _lastFlow;

        public long LastFlowPublishedAt => Interlocked.Read(ref _lastFlow);

        public void Publish(TelemetryEvent telemetryEvent)
        {
            if (telemetryEvent.Kind == EventKinds.Flow)
            {
                Interlocked.Exchange(ref _lastFlow, Stopwatch.GetTimestamp());
            }
            spool.Publish(telemetryEvent);
        }
    }
}

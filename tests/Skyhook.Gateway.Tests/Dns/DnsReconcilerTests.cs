using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Skyhook.Gateway.Dns;
using Skyhook.Gateway.Host;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Tests.Sync;
using Skyhook.Gateway.Vpn;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Dns;

/// <summary>
/// The DNS service in a network namespace of the test's own, as the lab's gateway host runs it:
/// bound on the tunnel address before any interface holds it, and, when that port is taken, no
/// nameserver offered until a later state can bind it.
/// </summary>
public sealed class DnsReconcilerTests : IAsyncLifetime
{
    private static readonly IPAddress Tunnel = IPAddress.Parse("192.168.43.1");
    private readonly string _namespace = "dnst" + Overlay.OverlayLabFixture.Stem + Guid.NewGuid().ToString("N")[..4];
    private readonly ProcessRunner _runner = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (Requirements.WhyNoNamespaces() is null)
        {
            await _runner.RunAsync(new ProcessSpec("ip", ["netns", "add", _namespace]), Ct);
            await _runner.RunAsync(new ProcessSpec("ip", ["link", "set", "lo", "up"]).InNetworkNamespace(_namespace), Ct);
        }
    }

    public async ValueTask DisposeAsync() =>
        await _runner.RunAsync(new ProcessSpec("ip", ["netns", "delete", _namespace]) { CheckExitCode = false }, CancellationToken.None);

    [Fact]
    public async Task Apply_PortTaken_NoNameserverOffered_NextStateBindsOnceItIsFree()
    {
        Requirements.RequireNamespaces();
        var state = DesiredStateValidator.Validate(States.Valid(1), out var errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
        int port;
        var blocker = NetworkNamespace.CreateSocket(_namespace, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Not on any interface of the namespace: bindable only with IP_FREEBIND (level IP, option 15), as the service binds.
            blocker.SetRawSocketOption((int)SocketOptionLevel.IP, 15, BitConverter.GetBytes(1));
            blocker.Bind(new IPEndPoint(Tunnel, 0));
            port = ((IPEndPoint)blocker.LocalEndPoint!).Port;

            await using var dns = Reconciler(port);
            await dns.ApplyAsync(state, Ct);
            Assert.Null(dns.Address);

            blocker.Dispose();
            await dns.ApplyAsync(state, Ct);
            Assert.Equal(Tunnel, dns.Address);

            // The socket is the namespace's: the same port is free in this process's own namespace.
            using var here = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            here.SetRawSocketOption((int)SocketOptionLevel.IP, 15, BitConverter.GetBytes(1));
            here.Bind(new IPEndPoint(Tunnel, port));
        }
        finally
        {
            blocker.Dispose();
        }
    }

    private DnsReconciler Reconciler(int port) => new(
        Options.Create(new DnsOptions { Port = port }),
        Options.Create(new GatewayOptions { NetworkNamespace = _namespace }),
        new VpnSessions(),
        new DnsQueryLogger(NullLogger<DnsQueryLogger>.Instance),
        TimeProvider.System,
        NullLoggerFactory.Instance);
}

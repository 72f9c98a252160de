using Microsoft.Extensions.Logging.Abstractions;
using Skyhook.Gateway.Host;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Vpn;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Bench;

/// <summary>
/// The gateway's own login path, wired as OpenVpnReconciler wires it: the real
/// <see cref="OpenVpnManagementClient"/> connected to the management socket, the real
/// <see cref="VpnLogins"/> asking the real controller through the real <see cref="ControllerApi"/>,
/// and a <see cref="LeaseTable"/> of the gateway's client block. Only openvpn is played, by <see cref="FakeOpenVpnManagement"/>. Nothing is logged: the
/// gateway's per-login log lines are not part of what is measured.
/// </summary>
public sealed class GatewayLoginPath : IAsyncDisposable
{
    private readonly ControllerApi _api;
    private readonly OpenVpnManagementClient _management;
    private readonly CancellationTokenSource _stop;
    private readonly Task _running;

    private GatewayLoginPath(ControllerApi api, FakeOpenVpnManagement openVpn, OpenVpnManagementClient management, CancellationTokenSource stop, Task running)
    {
        _api = api;
        OpenVpn = openVpn;
        _management = management;
        _stop = stop;
        _running = running;
    }

    public FakeOpenVpnManagement OpenVpn { get; }

    /// <summary>The gateway's default <c>Gateway:AuthTimeoutSeconds</c>: how long a login waits for the controller's decision.</summary>
    public static TimeSpan DefaultAuthTimeout { get; } = TimeSpan.FromSeconds(new GatewayOptions().AuthTimeoutSeconds);

    public static async Task<GatewayLoginPath> StartAsync(string controllerUrl, BenchGateway gateway, TimeSpan authTimeout, CancellationToken cancellationToken)
    {
        var api = gateway.CreateApi(controllerUrl);
        var openVpn = new FakeOpenVpnManagement();
        var accepting = openVpn.AcceptAsync(cancellationToken);
        var management = await OpenVpnManagementClient.ConnectAsync(openVpn.SocketPath, null, null, TimeProvider.System, cancellationToken);
        await accepting;
        var logins = new VpnLogins((request, ct) => api.AuthorizeAsync(request, authTimeout, ct), new VpnSessions(), TimeProvider.System, NullLogger<VpnLogins>.Instance);
        var stop = new CancellationTokenSource();
        var running = logins.RunAsync(management, new LeaseTable(gateway.ClientBlock), stop.Token);
        return new GatewayLoginPath(api, openVpn, management, stop, running);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _management.DisposeAsync();
        await _running;
        await OpenVpn.DisposeAsync();
        _api.Dispose();
        _stop.Dispose();
    }
}

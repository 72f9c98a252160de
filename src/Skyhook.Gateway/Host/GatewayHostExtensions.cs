using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Skyhook.Gateway.Discovery;
using Skyhook.Gateway.Dns;
using Skyhook.Gateway.Overlay;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Vpn;
using Skyhook.Linux;

namespace Skyhook.Gateway.Host;

/// <summary>One <c>AddXxx</c> per feature, so that Program.cs reads like a table of contents.</summary>
public static class GatewayHostExtensions
{
    /// <summary>
    /// The gateway's options, its data directory and its enrolment. False, with one line for the
    /// operator, when the gateway has not been enrolled or its stored controller address is unusable.
    /// </summary>
    public static bool TryAddGatewayHost(this IHostApplicationBuilder builder, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<GatewayOptions>()
            .BindConfiguration(GatewayOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        var files = new GatewayFiles(options.DataDirectory);
        Enrolment enrolment;
        string credential;
        try
        {
            enrolment = Enrolment.Load(files);
            credential = File.ReadAllText(files.Credential).Trim();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
            return false;
        }
        if (!ControllerEndpoint.TryCreate(
            options.ControllerUrl ?? enrolment.ControllerUrl,
            options.ControllerFingerprint ?? enrolment.Fingerprint,
            options.AllowInsecureHttp || enrolment.AllowInsecureHttp,
            out var endpoint,
            out problem))
        {
            return false;
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(files);
        builder.Services.AddSingleton(enrolment);
        builder.Services.AddSingleton(sp => new ControllerApi(endpoint, credential, Timeout.InfiniteTimeSpan));
        builder.Services.TryAddSingleton(sp => new ProcessRunner(sp.GetService<Microsoft.Extensions.Logging.ILogger<ProcessRunner>>()));
        return true;
    }

    /// <summary>The desired state from the controller (long poll, validation, cache) and the heartbeat.</summary>
    public static IHostApplicationBuilder AddSync(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<SyncStatus>();
        builder.Services.AddSingleton(sp => new DesiredStateCache(sp.GetRequiredService<GatewayFiles>().DesiredStateCache));
        builder.Services.AddHostedService<SyncService>();
        builder.Services.AddHostedService<HeartbeatService>();
        return builder;
    }

    /// <summary>
    /// The overlay attachments (Overlay/, options in section "Overlay") and the egress NAT (Egress/). Gateway:DockerSocket,
    /// Gateway:NetworkNamespace and Gateway:DataDirectory (+ /overlay) apply to it unless
    /// Overlay:DockerEndpoint, Overlay:HostNetworkNamespace or Overlay:StateDirectory say otherwise.
    /// Registered after <see cref="AddOpenVpn"/>: reconcilers apply in registration order, and cutting
    /// revoked sessions must not wait for Docker and iptables.
    /// </summary>
    public static IHostApplicationBuilder AddOverlayNetworks(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOverlay();
        var overlay = builder.Configuration.GetSection(OverlayOptions.SectionName);
        var gateway = builder.Configuration.GetSection(GatewayOptions.SectionName);
        builder.Services.PostConfigure<OverlayOptions>(o =>
        {
            if (overlay[nameof(OverlayOptions.DockerEndpoint)] is null && gateway[nameof(GatewayOptions.DockerSocket)] is { Length: > 0 } socket)
            {
                o.DockerEndpoint = socket;
            }
            if (overlay[nameof(OverlayOptions.HostNetworkNamespace)] is null && gateway[nameof(GatewayOptions.NetworkNamespace)] is { Length: > 0 } ns)
            {
                o.HostNetworkNamespace = ns;
            }
            if (overlay[nameof(OverlayOptions.StateDirectory)] is null && gateway[nameof(GatewayOptions.DataDirectory)] is { Length: > 0 } data)
            {
                o.StateDirectory = Path.Combine(data, "overlay");
            }
        });
        builder.Services.AddSingleton<OverlayStep>();
        builder.Services.AddSingleton<IDesiredStateReconciler>(sp => sp.GetRequiredService<OverlayStep>());
        // Traffic leaving outside the overlays (additional CIDRs, full tunnel) shares the host
        // namespace and VPN interfaces with them.
        builder.Services.AddSingleton<IDesiredStateReconciler, Egress.EgressReconciler>();
        return builder;
    }

    /// <summary>
    /// The policy table (Policy/): registered before <see cref="AddOpenVpn"/>, so that the table that
    /// drops what no session may send is in force before openvpn takes its first login. It judges the
    /// VPN interfaces of the overlay options, in their namespace (see <see cref="AddOverlayNetworks"/>).
    /// </summary>
    public static IHostApplicationBuilder AddPolicy(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<VpnSessions>();
        builder.Services.AddSingleton<Policy.PolicyReconciler>();
        builder.Services.AddSingleton<ISessionPolicy>(sp => sp.GetRequiredService<Policy.PolicyReconciler>());
        builder.Services.AddSingleton<IDesiredStateReconciler>(sp => sp.GetRequiredService<Policy.PolicyReconciler>());
        builder.Services.AddSingleton<ISessionCutter>(sp => sp.GetRequiredService<Policy.PolicyReconciler>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Policy.PolicyReconciler>());
        return builder;
    }

    /// <summary>
    /// The DNS service for VPN clients (Dns/, options in section "Dns"): container names for each
    /// user, everything else forwarded. Registered before <see cref="AddOpenVpn"/>, so that it
    /// listens (and logins can give it as the nameserver) before openvpn takes its first login.
    /// </summary>
    public static IHostApplicationBuilder AddDns(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<DnsOptions>().BindConfiguration(DnsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<VpnSessions>();
        builder.Services.TryAddSingleton<DnsQueryLogger>();
        // Each query is spooled as telemetry when there is a sink (AddTelemetry) that keeps events, and logged at Debug.
        builder.Services.TryAddSingleton<IDnsQueryObserver>(sp => sp.GetService<Telemetry.IEventSink>() is { } sink and not Telemetry.DiscardingEventSink
            ? new DnsQueryPublisher(sink, sp.GetRequiredService<DnsQueryLogger>(), sp.GetService<IEndpointSource>())
            : sp.GetRequiredService<DnsQueryLogger>());
        builder.Services.AddSingleton<DnsReconciler>();
        builder.Services.AddSingleton<IVpnNameserver>(sp => sp.GetRequiredService<DnsReconciler>());
        builder.Services.AddSingleton<IDesiredStateReconciler>(sp => sp.GetRequiredService<DnsReconciler>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DnsReconciler>());
        return builder;
    }

    /// <summary>
    /// Docker discovery (Discovery/, options in section "Discovery"): the containers on the overlays as
    /// an <see cref="IEndpointSource"/>. Discovery:DockerEndpoints defaults to Gateway:DockerSocket.
    /// </summary>
    public static IHostApplicationBuilder AddDiscovery(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDockerDiscovery();
        builder.Services.AddOptions<DiscoveryOptions>().PostConfigure<IOptions<GatewayOptions>>((o, gateway) =>
        {
            if (o.DockerEndpoints.Count == 0)
            {
                o.DockerEndpoints.Add(gateway.Value.DockerSocket);
            }
        });
        return builder;
    }

    /// <summary>The OpenVPN server, its supervisor and the login flow.</summary>
    public static IHostApplicationBuilder AddOpenVpn(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<VpnSessions>();
        builder.Services.AddSingleton<OpenVpnReconciler>();
        builder.Services.AddSingleton<ILiveSessions>(sp => sp.GetRequiredService<OpenVpnReconciler>());
        builder.Services.AddSingleton<IDesiredStateReconciler>(sp => sp.GetRequiredService<OpenVpnReconciler>());
        builder.Services.AddSingleton<ISessionCutter>(sp => sp.GetRequiredService<OpenVpnReconciler>());
        // Registered as a hosted service so that shutdown stops openvpn.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OpenVpnReconciler>());
        return builder;
    }
}

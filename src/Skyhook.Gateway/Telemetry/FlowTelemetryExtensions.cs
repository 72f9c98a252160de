using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Vpn;

namespace Skyhook.Gateway.Telemetry;

public static class FlowTelemetryExtensions
{
    /// <summary>
    /// Flows (allowed from conntrack events, denied from the policy table's nflog group) and web
    /// requests (HTTP Host and path, TLS SNI), published to the <see cref="IEventSink"/> that
    /// <c>AddTelemetry</c> registers (a Debug log line until then); options in section
    /// "Telemetry:Flows". Reads the namespace of the policy table (see <c>AddOverlayNetworks</c>).
    /// </summary>
    public static IHostApplicationBuilder AddFlowTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<FlowTelemetryOptions>().BindConfiguration(FlowTelemetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<VpnSessions>();
        builder.Services.TryAddSingleton<IEventSink, LoggedEventSink>();
        builder.Services.AddSingleton(sp => new FlowContext(sp.GetRequiredService<VpnSessions>(), sp.GetService<Discovery.IEndpointSource>()));
        builder.Services.AddSingleton<IDesiredStateReconciler>(sp => sp.GetRequiredService<FlowContext>());
        builder.Services.AddSingleton<FlowTelemetry>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FlowTelemetry>());
        return builder;
    }
}

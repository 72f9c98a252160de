using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skyhook.Gateway.Host;

namespace Skyhook.Gateway.Telemetry;

public static class TelemetryHostExtensions
{
    /// <summary>
    /// Telemetry (section "Telemetry"): the <see cref="IEventSink"/> the event sources publish to, an
    /// <see cref="EventSpool"/> under the data directory's <c>spool/</c> shipped by the
    /// <see cref="EventShipper"/>, or a <see cref="DiscardingEventSink"/> when Telemetry:Enabled is
    /// false. Registered before the sources (DNS, OpenVPN) so that they find the sink.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!options.Enabled)
        {
            builder.Services.TryAddSingleton<IEventSink, DiscardingEventSink>();
            return builder;
        }
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new EventSpool(
            Path.Combine(sp.GetRequiredService<GatewayFiles>().DataDirectory, "spool"),
            sp.GetRequiredService<IOptions<TelemetryOptions>>().Value.SpoolLimitMegabytes * 1024L * 1024L,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<EventSpool>>()));
        builder.Services.TryAddSingleton<IEventSink>(sp => sp.GetRequiredService<EventSpool>());
        builder.Services.AddHostedService<EventShipper>();
        return builder;
    }
}

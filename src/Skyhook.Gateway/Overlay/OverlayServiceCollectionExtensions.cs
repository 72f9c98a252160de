using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Skyhook.Linux;

namespace Skyhook.Gateway.Overlay;

public static class OverlayServiceCollectionExtensions
{
    /// <summary>The overlay reconciler with its options from the "Overlay" section.</summary>
    public static IServiceCollection AddOverlay(this IServiceCollection services)
    {
        services.AddOptions<OverlayOptions>()
            .BindConfiguration(OverlayOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<ProcessRunner>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OverlayReconciler>();
        return services;
    }
}

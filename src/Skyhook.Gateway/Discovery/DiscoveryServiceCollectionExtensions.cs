using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Skyhook.Gateway.Discovery;

public static class DiscoveryServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="DockerDiscovery"/> as the <see cref="IEndpointSource"/> and a hosted service, with its
    /// options from the "Discovery" section (validated on start: one message for every bad endpoint).
    /// </summary>
    public static IServiceCollection AddDockerDiscovery(this IServiceCollection services)
    {
        services.AddOptions<DiscoveryOptions>()
            .BindConfiguration(DiscoveryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DiscoveryOptions>, DiscoveryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new DockerDiscovery(
            sp.GetRequiredService<IOptions<DiscoveryOptions>>(),
            sp.GetRequiredService<ILogger<DockerDiscovery>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IEndpointSource>(sp => sp.GetRequiredService<DockerDiscovery>());
        services.AddHostedService(sp => sp.GetRequiredService<DockerDiscovery>());
        return services;
    }
}

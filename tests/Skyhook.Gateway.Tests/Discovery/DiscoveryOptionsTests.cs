using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Skyhook.Gateway.Discovery;
using Skyhook.Gateway.Host;

namespace Skyhook.Gateway.Tests.Discovery;

public sealed class DiscoveryOptionsTests
{
    private static IServiceProvider Build(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName);
        builder.AddDiscovery();
        return builder.Services.BuildServiceProvider();
    }

    [Fact]
    public void AddDiscovery_NoEndpoints_TheGatewaysDockerSocket()
    {
        var options = Build(new() { ["Gateway:DockerSocket"] = "unix:///run/lab/gw1.sock" }).GetRequiredService<IOptions<DiscoveryOptions>>().Value;

        Assert.Equal(["unix:///run/lab/gw1.sock"], options.DockerEndpoints);
        Assert.Equal((75, 30, 10, 30), (options.DebounceMilliseconds, options.ResyncSeconds, options.ReadTimeoutSeconds, options.MaxRetrySeconds));
    }

    [Fact]
    public void AddDiscovery_Endpoints_TakenInsteadOfTheGatewaysSocket()
    {
        var provider = Build(new()
        {
            ["Gateway:DockerSocket"] = "unix:///run/lab/gw1.sock",
            ["Discovery:DockerEndpoints:0"] = "unix:///run/lab/n1.sock",
            ["Discovery:DockerEndpoints:1"] = "tcp://172.31.0.12:2375",
        });

        Assert.Equal(["unix:///run/lab/n1.sock", "tcp://172.31.0.12:2375"], provider.GetRequiredService<IOptions<DiscoveryOptions>>().Value.DockerEndpoints);
        Assert.Same(provider.GetRequiredService<DockerDiscovery>(), provider.GetRequiredService<IEndpointSource>());
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is DockerDiscovery);
    }

    [Fact]
    public void AddDiscovery_BadEndpoints_OneMessageNamingEach()
    {
        var provider = Build(new()
        {
            ["Discovery:DockerEndpoints:0"] = "unix:///var/run/docker.sock",
            ["Discovery:DockerEndpoints:1"] = "http://10.0.0.1:2375",
            ["Discovery:DockerEndpoints:2"] = "/var/run/docker.sock",
            ["Discovery:DockerEndpoints:3"] = "tcp://10.0.0.1",
            ["Discovery:DockerEndpoints:4"] = "unix:///var/run/docker.sock",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DiscoveryOptions>>().Value);

        Assert.Equal(
            "Discovery:DockerEndpoints:1 'http://10.0.0.1:2375' is not a unix:///PATH socket or a tcp://HOST:PORT address; "
            + "Discovery:DockerEndpoints:2 '/var/run/docker.sock' is not a unix:///PATH socket or a tcp://HOST:PORT address; "
            + "Discovery:DockerEndpoints:3 'tcp://10.0.0.1' is not a unix:///PATH socket or a tcp://HOST:PORT address; "
            + "Discovery:DockerEndpoints:4 'unix:///var/run/docker.sock' is listed twice",
            Assert.Single(error.Failures));
    }

    [Theory]
    [InlineData("unix:///var/run/docker.sock")]
    [InlineData("unix:///run/skyhook-lab/t1/n1.sock")]
    [InlineData("tcp://172.31.0.11:2375")]
    [InlineData("tcp://docker-1.internal:2376")]
    public void Problem_UsableEndpoint_None(string endpoint) =>
        Assert.Null(DiscoveryOptionsValidator.Problem(new DiscoveryOptions { DockerEndpoints = [endpoint] }));

    [Theory]
    [InlineData("unix://")]
    [InlineData("unix:///")]
    [InlineData("unix://host/var/run/docker.sock")]
    [InlineData("tcp://:2375")]
    [InlineData("tcp://10.0.0.1:2375/path")]
    [InlineData("npipe:////./pipe/docker_engine")]
    [InlineData("")]
    public void Problem_UnusableEndpoint_Named(string endpoint) =>
        Assert.Contains($"'{endpoint}' is not a unix:///PATH socket", DiscoveryOptionsValidator.Problem(new DiscoveryOptions { DockerEndpoints = [endpoint] }));

    [Fact]
    public void Problem_NoEndpoints_SaysSo() =>
        Assert.StartsWith("Discovery:DockerEndpoints is empty", DiscoveryOptionsValidator.Problem(new DiscoveryOptions()));
}

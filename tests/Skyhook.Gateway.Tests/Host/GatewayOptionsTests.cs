using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skyhook.Gateway.Host;

namespace Skyhook.Gateway.Tests.Host;

public sealed class GatewayOptionsTests
{
    private static GatewayOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations();
        return services.BuildServiceProvider().GetRequiredService<IOptions<GatewayOptions>>().Value;
    }

    [Fact]
    public void Bind_Nothing_DocumentedDefaults()
    {
        var options = Bind([]);

        Assert.Equal("/var/lib/skyhook-gateway", options.DataDirectory);
        Assert.Equal("skyvpn0", options.VpnInterface);
        Assert.Equal("openvpn", options.OpenVpnPath);
        Assert.Equal("unix:///var/run/docker.sock", options.DockerSocket);
        Assert.Equal("/run/skyhook-gateway/openvpn.sock", options.ManagementSocket);
        Assert.False(options.AllowInsecureHttp);
        Assert.Null(options.NetworkNamespace);
        Assert.Equal(5, options.HeartbeatSeconds);
    }

    [Fact]
    public void Bind_Values_Taken()
    {
        var options = Bind(new() { ["Gateway:DataDirectory"] = "/srv/gw", ["Gateway:NetworkNamespace"] = "lab-gw1", ["Gateway:HeartbeatSeconds"] = "2", ["Gateway:AllowInsecureHttp"] = "true" });
        Assert.Equal(("/srv/gw", "lab-gw1", 2, true), (options.DataDirectory, options.NetworkNamespace, options.HeartbeatSeconds, options.AllowInsecureHttp));
    }

    [Theory]
    [InlineData("Gateway:VpnInterface", "tun 0")]
    [InlineData("Gateway:VpnInterface", "a-name-longer-than-15")]
    [InlineData("Gateway:HeartbeatSeconds", "0")]
    [InlineData("Gateway:NetworkNamespace", "../etc")]
    [InlineData("Gateway:DataDirectory", "")]
    [InlineData("Gateway:AuthTimeoutSeconds", "600")]
    public void Bind_InvalidValue_FailsNamingTheProperty(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { [key] = value }));
        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }
}

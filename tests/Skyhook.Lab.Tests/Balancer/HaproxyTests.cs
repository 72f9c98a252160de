using System.Net;
using Skyhook.Lab.Balancer;
using Skyhook.Lab.Controller;
using Skyhook.Linux;

namespace Skyhook.Lab.Tests.Balancer;

/// <summary>The balancer's configurations as real haproxy reads them, and a real haproxy's view of a dead server.</summary>
public sealed class HaproxyTests
{
    private static readonly HaproxyServer[] Servers =
        [new("gw4", new IPEndPoint(IPAddress.Parse("198.51.100.14"), 1194)), new("gw5", new IPEndPoint(IPAddress.Parse("198.51.100.15"), 1194))];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TcpConfig_FailoverSettings_HaproxyAcceptsIt()
    {
        Requirements.RequireHaproxy();
        var config = Haproxy.TcpConfig(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 1194), Servers, "/run/x/stats.sock");
        Assert.Contains("    mode tcp\n", config, StringComparison.Ordinal);
        Assert.Contains("    balance leastconn\n", config, StringComparison.Ordinal);
        Assert.Contains("    option redispatch\n", config, StringComparison.Ordinal);
        Assert.Contains("    server gw5 198.51.100.15:1194 check inter 500 fall 2 rise 2 on-marked-down shutdown-sessions\n", config, StringComparison.Ordinal);
        await AssertValidAsync(config);
    }

    [Fact]
    public async Task HttpConfig_HealthChecksAndRetries_HaproxyAcceptsIt()
    {
        Requirements.RequireHaproxy();
        var config = Haproxy.HttpConfig(new IPEndPoint(IPAddress.Loopback, 8080), Servers, "/run/x/stats.sock");
        Assert.Contains("    option httpchk GET /healthz\n", config, StringComparison.Ordinal);
        Assert.Contains("    retry-on conn-failure empty-response response-timeout 502 503\n", config, StringComparison.Ordinal);
        await AssertValidAsync(config);
    }

    [Fact]
    public void Config_ServerNameWithASpace_Refused() =>
        Assert.Throws<ArgumentException>(() => Haproxy.TcpConfig(new IPEndPoint(IPAddress.Loopback, 1194), [new("a b", new IPEndPoint(IPAddress.Loopback, 1))], "/tmp/s"));

    [Fact]
    public async Task Start_ServerNobodyListensOn_HeldDown_StoppedOnDispose()
    {
        Requirements.RequireHaproxy();
        var directory = Directory.CreateTempSubdirectory("skyhook-haproxy-test-").FullName;
        var dead = new IPEndPoint(IPAddress.Loopback, LabController.FreePort(IPAddress.Loopback));
        var haproxy = await Haproxy.StartHttpAsync(directory, new IPEndPoint(IPAddress.Loopback, LabController.FreePort(IPAddress.Loopback)), [new("c1", dead)], Ct);
        try
        {
            await haproxy.WaitServerAsync("c1", "DOWN", TimeSpan.FromSeconds(10), Ct);
        }
        finally
        {
            await haproxy.DisposeAsync();
        }
        Assert.False(Directory.Exists(directory));
    }

    private static async Task AssertValidAsync(string config)
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, config, Ct);
            var check = await new ProcessRunner().RunAsync(new ProcessSpec("haproxy", ["-c", "-f", path]) { CheckExitCode = false }, Ct);
            Assert.True(check.Succeeded, $"haproxy -c: {check.StandardError}{check.StandardOutput}\n{config}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}

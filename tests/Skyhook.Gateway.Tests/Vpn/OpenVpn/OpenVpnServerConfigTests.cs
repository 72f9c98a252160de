using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Vpn;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Tests.Vpn.OpenVpn;

public sealed class OpenVpnServerConfigTests
{
    internal static OpenVpnServerSettings Settings(string directory = "/run/skyhook/openvpn") => new()
    {
        DeviceName = "skyhook-ovpn",
        Port = 1194,
        LocalAddress = IPAddress.Parse("198.51.100.11"),
        ClientBlock = Cidr.Parse("192.168.43.0/24"),
        CaCertificatePath = directory + "/ca.crt",
        CertificatePath = directory + "/server.crt",
        PrivateKeyPath = directory + "/server.key",
        ManagementSocketPath = directory + "/management.sock",
        StatusFilePath = directory + "/status.txt",
    };

    [Theory]
    [InlineData(VpnTransport.Udp, "server-udp.conf")]
    [InlineData(VpnTransport.Tcp, "server-tcp.conf")]
    public void Render_GatewaySettings_MatchesGoldenFile(VpnTransport transport, string golden)
    {
        var settings = Settings() with { Transport = transport };
        if (transport == VpnTransport.Tcp)
        {
            settings = settings with { Port = 443, LocalAddress = null, ClientBlock = Cidr.Parse("192.168.43.64/26"), RenegotiationInterval = TimeSpan.Zero };
        }

        var text = OpenVpnServerConfig.Render(settings);

        var path = Path.Combine(AppContext.BaseDirectory, "Vpn", "OpenVpn", "TestData", golden);
        if (Environment.GetEnvironmentVariable("SKYHOOK_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceDirectory(), "Vpn", "OpenVpn", "TestData", golden), text);
        }
        Assert.Equal(File.ReadAllText(path), text);
    }

    [Fact]
    public void Render_SameSettings_SameText()
    {
        Assert.Equal(OpenVpnServerConfig.Render(Settings()), OpenVpnServerConfig.Render(Settings()));
    }

    public static TheoryData<string, Func<OpenVpnServerSettings, OpenVpnServerSettings>> BadSettings => new()
    {
        { "DeviceName", s => s with { DeviceName = "tun0\nscript-security 3" } },
        { "DeviceName", s => s with { DeviceName = "a-name-longer-than-15" } },
        { "Port", s => s with { Port = 0 } },
        { "ClientBlock", s => s with { ClientBlock = Cidr.Parse("fd00::/64") } },
        { "ClientBlock", s => s with { ClientBlock = Cidr.Parse("192.168.43.0/30") } },
        { "CaCertificatePath", s => s with { CaCertificatePath = "relative/ca.crt" } },
        { "CertificatePath", s => s with { CertificatePath = "/etc/a b.crt" } },
        { "PrivateKeyPath", s => s with { PrivateKeyPath = "/etc/key\nup /bin/sh" } },
        { "StatusFilePath", s => s with { StatusFilePath = "/etc/../status" } },
        { "ManagementSocketPath", s => s with { ManagementSocketPath = "/run/" + new string('s', 120) } },
        { "RenegotiationInterval", s => s with { RenegotiationInterval = TimeSpan.FromMilliseconds(1500) } },
        { "KeepaliveTimeout", s => s with { KeepaliveTimeout = TimeSpan.FromSeconds(15) } },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Render_InvalidSetting_IsRefusedNamingIt(string name, Func<OpenVpnServerSettings, OpenVpnServerSettings> change)
    {
        var ex = Assert.Throws<ArgumentException>(() => OpenVpnServerConfig.Render(change(Settings())));

        Assert.Contains(name, ex.Message);
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", ".."));
}

namespace Skyhook.Gateway.Tests.Vpn.OpenVpn;

/// <summary>Management interface output written from management-notes.txt and openvpn 2.6's ENV names.</summary>
internal static class Transcripts
{
    public static string[] Read(string name) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Vpn", "OpenVpn", "TestData", name));
}

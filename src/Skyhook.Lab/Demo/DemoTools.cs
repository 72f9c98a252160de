using System.Runtime.InteropServices;
using Skyhook.Linux;

namespace Skyhook.Lab.Demo;

/// <summary>The host programs the demo needs beyond the lab's own.</summary>
/// <param name="Dotnet">Runs the controller and gateway builds.</param>
/// <param name="Curl">Only checked for: the desktop runs `curl` and `ping` by name, as a person would type them.</param>
internal sealed record DemoTools(string Dotnet, string OpenVpn, string Curl, string Ping)
{
    /// <summary>Finds every tool; <paramref name="missing"/> names each absent one with its package.</summary>
    public static DemoTools Find(out IReadOnlyList<string> missing)
    {
        var search = new ToolSearch();
        var tools = new DemoTools(
            Dotnet: DotnetHost(),
            OpenVpn: search.Need("openvpn", "openvpn"),
            Curl: search.Need("curl", "curl"),
            Ping: search.Need("ping", "iputils-ping"));
        missing = search.Missing;
        return tools;
    }

    /// <summary>
    /// `dotnet` on PATH, else the host of the runtime this program runs on
    /// (DOTNET_ROOT/shared/Microsoft.NETCore.App/VERSION/ is three levels below it).
    /// </summary>
    private static string DotnetHost() =>
        ExecutableSearch.Find("dotnet")
            ?? Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
}

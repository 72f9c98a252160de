using Skyhook.Lab;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.EndToEnd;

/// <summary>Commands on a lab desktop and the lab's gateway hosts, as a person would type them: shared by the end-to-end beds.</summary>
public static class LabDesktops
{
    /// <summary>
    /// A command in <paramref name="desktop"/>'s namespace, with `ip netns exec`: the desktop's
    /// resolv.conf (what its VPN client was pushed) is in force.
    /// </summary>
    public static Task<ProcessResult> RunAsync(Desktop desktop, IReadOnlyList<string> command, CancellationToken cancellationToken, int timeoutSeconds = 20) =>
        new ProcessRunner().RunAsync(
            new ProcessSpec("ip", ["netns", "exec", desktop.Namespace, .. command]) { CheckExitCode = false, Timeout = TimeSpan.FromSeconds(timeoutSeconds) },
            cancellationToken);

    /// <summary>`curl` from the desktop: the page's body, or null when it could not be fetched within <paramref name="seconds"/>.</summary>
    public static async Task<string?> CurlAsync(Desktop desktop, string url, CancellationToken cancellationToken, int seconds = 3)
    {
        var result = await RunAsync(desktop, ["curl", "--silent", "--show-error", "--max-time", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), url], cancellationToken);
        return result.Succeeded ? result.StandardOutput.Trim() : null;
    }

    /// <summary>A command in a gateway host's namespace (ip, iptables, nft).</summary>
    public static Task<ProcessResult> OnGatewayHostAsync(GatewayHost host, IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        new ProcessRunner().RunAsync(
            new ProcessSpec("nsenter", ["--net=/run/netns/" + host.Namespace, .. command]) { CheckExitCode = false, Timeout = TimeSpan.FromSeconds(20) },
            cancellationToken);
}

namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// Everything the gateway's table depends on. <paramref name="VpnInterfaces"/> are interface names
/// or prefixes ending in <c>*</c> (or iptables' <c>+</c>), such as <c>tun*</c>: only traffic that
/// enters through one of them is judged. Profiles without a session are compiled too, so that a new
/// session can be bound to a chain that already exists.
/// </summary>
public sealed record PolicyCompilationInput(
    IReadOnlyList<AccessProfile> Profiles,
    IReadOnlyList<SessionBinding> Sessions,
    IReadOnlyList<DiscoveredEndpoint> Endpoints,
    IReadOnlyList<string> VpnInterfaces);

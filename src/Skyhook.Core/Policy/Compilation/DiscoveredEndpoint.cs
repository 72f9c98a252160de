using System.Net;

namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// A container as discovery sees it now: its addresses (IPv4 and IPv6, one per network it is on) and
/// the facts that name, service, label and network targets match.
/// </summary>
public sealed record DiscoveredEndpoint(IReadOnlyList<IPAddress> Addresses, EndpointFacts Facts)
{
    /// <summary>
    /// The container's network aliases on the overlays whose addresses count (Docker's embedded DNS
    /// answers them, and so does the gateway's resolver): lowercase, distinct, sorted ordinal. Policy
    /// does not use them; a rule names a container by its name.
    /// </summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
}

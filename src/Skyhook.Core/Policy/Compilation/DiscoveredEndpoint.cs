using System.Net;

namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// A container as discovery sees it now: its addresses (IPv4 and IPv6, one per network it is on) and
/// the facts that name, service, label and network targets match.
/// </summary>
public sealed record DiscoveredEndpoint(IReadOnlyList<IPAddress> Addresses, EndpointFacts Facts);

using System.Net;
using Skyhook.Core.Policy;

namespace Skyhook.Core.Dns;

/// <summary>One address an overlay name resolves to, with the facts of the container that has it (what policy judges).</summary>
public sealed record OverlayAddress(IPAddress Address, EndpointFacts Facts);

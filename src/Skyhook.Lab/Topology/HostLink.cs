using System.Net;

namespace Skyhook.Lab.Topology;

/// <summary>The /30 between the host and the lab namespace: the host end and the lab end.</summary>
public sealed record HostLink(IPAddress HostAddress, IPAddress LabAddress)
{
    /// <summary>The /30 at the start of <paramref name="block"/> ("a.b.c"): .1 on the host, .2 in the lab.</summary>
    public static HostLink ForBlock(string block) =>
        new(IPAddress.Parse(block + ".1"), IPAddress.Parse(block + ".2"));
}

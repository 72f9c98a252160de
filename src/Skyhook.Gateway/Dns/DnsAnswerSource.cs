namespace Skyhook.Gateway.Dns;

/// <summary>Where a query's answer came from.</summary>
public enum DnsAnswerSource
{
    /// <summary>A container name the user's profile reaches: answered from discovery.</summary>
    Container,

    /// <summary>A container name the user's profile reaches none of: NXDOMAIN.</summary>
    Hidden,

    /// <summary>Forwarded, answered by an upstream server.</summary>
    Upstream,

    /// <summary>Forwarded earlier; answered from the cache within its TTL.</summary>
    Cache,

    /// <summary>Forwarded, and no upstream server answered in time: SERVFAIL.</summary>
    Failed,

    /// <summary>Not asked from a VPN session's address, or malformed: REFUSED, FORMERR or NOTIMP.</summary>
    Refused,
}

namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// The nfnetlink_log groups the skyhook table logs to (<c>log group N</c>) and the gateway's
/// telemetry reads: a group is a number per network namespace, one reader each. Chosen away from 0
/// (the default of a bare <c>log group</c>) and from the low numbers other tools tend to take.
/// </summary>
public static class NftLogGroups
{
    /// <summary>The first packet of each connection a profile denies (headers only, rate-limited): denied flows.</summary>
    public const int Denied = 31;

    /// <summary>The first packets of each allowed TCP connection from a VPN user: HTTP requests and TLS server names.</summary>
    public const int Web = 32;

    /// <summary>Bytes copied of a denied packet: the IPv6 header and a TCP, UDP or ICMP header fit.</summary>
    public const int DeniedSnapLength = 128;

    /// <summary>Bytes copied of a web packet: a whole segment on a 1500-byte tunnel.</summary>
    public const int WebSnapLength = 1500;

    /// <summary>Denied packets logged per second (all users together), and the burst above it.</summary>
    public const int DeniedPerSecond = 200;

    public const int DeniedBurst = 400;

    /// <summary>Web packets logged per second (all users together), and the burst above it.</summary>
    public const int WebPerSecond = 2000;

    public const int WebBurst = 4000;

    /// <summary>The original-direction packets of a connection logged to <see cref="Web"/>: the 2nd to the 6th
    /// (the 1st is the SYN, judged after the log rule and without payload; a 2nd packet exists only once
    /// the table accepted the first, so nothing logged there belongs to a denied connection).</summary>
    public const int WebFirstPacket = 2;

    public const int WebLastPacket = 6;
}

namespace Skyhook.Gateway.Dns;

/// <summary>What <see cref="DnsHandler.Answer"/> decided for one received message.</summary>
public enum DnsStep
{
    /// <summary>The reply is written: send it.</summary>
    Reply,

    /// <summary>Send nothing (a response, or less than a header: answering could only reflect).</summary>
    Drop,

    /// <summary>Not a container name and not cached: <see cref="DnsHandler.ForwardAsync"/> it.</summary>
    Forward,
}

namespace Skyhook.Core.Dns;

/// <summary>What <see cref="DnsMessages.ParseQuery"/> made of a received message.</summary>
public enum DnsQueryParse
{
    /// <summary>A query we can answer.</summary>
    Ok,

    /// <summary>
    /// Shorter than a header, or a response (QR set): send nothing back, so that the gateway cannot be
    /// used to reflect traffic at a spoofed address or to ping-pong with another server.
    /// </summary>
    Ignore,

    /// <summary>Malformed: answer FORMERR.</summary>
    FormatError,

    /// <summary>An opcode other than QUERY: answer NOTIMP.</summary>
    NotImplemented,
}

namespace Skyhook.Core.Telemetry;

/// <summary>What the first bytes of a connection's payload say so far.</summary>
public enum SniffResult
{
    /// <summary>Consistent with the protocol so far: more bytes are needed.</summary>
    Incomplete,

    /// <summary>Not this protocol, or malformed: more bytes will not help.</summary>
    Unrecognized,

    /// <summary>Read: the result is complete.</summary>
    Found,
}

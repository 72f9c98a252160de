namespace Skyhook.Controller.Storage;

/// <summary>
/// One event as stored: a gateway's <c>TelemetryEvent</c> or the controller's own audit entry, with
/// times as Unix milliseconds so that time ranges compare and index in SQL on both providers (SQLite
/// cannot compare <see cref="DateTimeOffset"/>). The id ascends in storage order.
/// </summary>
public sealed class EventEntity
{
    public long Id { get; set; }

    /// <summary>The gateway that sent it; null for audit events and once the gateway was removed.</summary>
    public int? GatewayId { get; set; }

    /// <summary>The gateway's name when it was stored, kept so that its events outlive its removal.</summary>
    public string? GatewayName { get; set; }

    /// <summary>The gateway's sequence number; null for audit events. Unique per gateway.</summary>
    public long? Sequence { get; set; }

    public required string Kind { get; set; }

    public long AtMs { get; set; }

    /// <summary>Lower case.</summary>
    public string? User { get; set; }

    public string? VpnAddress { get; set; }

    public string? SessionId { get; set; }

    public string? Action { get; set; }

    public string? Verdict { get; set; }

    public string? Rule { get; set; }

    public string? Protocol { get; set; }

    public string? Destination { get; set; }

    public int? Port { get; set; }

    public string? Container { get; set; }

    public string? Service { get; set; }

    public string? Name { get; set; }

    public string? QueryType { get; set; }

    public string? ResultCode { get; set; }

    public string? Answer { get; set; }

    public string? Method { get; set; }

    public string? Path { get; set; }

    public string? Scheme { get; set; }

    public string? PublicAddress { get; set; }

    public string? ClientVersion { get; set; }

    public string? Reason { get; set; }

    public long? EndedMs { get; set; }

    public long? BytesFromClient { get; set; }

    public long? BytesToClient { get; set; }

    public long? PacketsFromClient { get; set; }

    public long? PacketsToClient { get; set; }
}

using Skyhook.Controller.Storage;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Events;

/// <summary>Between the wire's <see cref="TelemetryEvent"/> and the stored <see cref="EventEntity"/>: times as Unix milliseconds, the user in lower case.</summary>
public static class EventRows
{
    public static EventEntity ToEntity(TelemetryEvent e, int? gatewayId, string? gatewayName) => new()
    {
        GatewayId = gatewayId,
        GatewayName = gatewayName,
        Sequence = gatewayId is null ? null : e.Sequence,
        Kind = e.Kind,
        AtMs = e.At.ToUnixTimeMilliseconds(),
        User = e.User?.ToLowerInvariant(),
        VpnAddress = e.VpnAddress,
        SessionId = e.SessionId,
        Action = e.Action,
        Verdict = e.Verdict,
        Rule = e.Rule,
        Protocol = e.Protocol,
        Destination = e.Destination,
        Port = e.Port,
        Container = e.Container,
        Service = e.Service,
        Name = e.Name,
        QueryType = e.QueryType,
        ResultCode = e.ResultCode,
        Answer = e.Answer,
        Method = e.Method,
        Path = e.Path,
        Scheme = e.Scheme,
        PublicAddress = e.PublicAddress,
        ClientVersion = e.ClientVersion,
        Reason = e.Reason,
        EndedMs = e.Ended?.ToUnixTimeMilliseconds(),
        BytesFromClient = e.BytesFromClient,
        BytesToClient = e.BytesToClient,
        PacketsFromClient = e.PacketsFromClient,
        PacketsToClient = e.PacketsToClient,
    };

    /// <summary>The event as the feed and the API give it; the sequence of an audit event is 0.</summary>
    public static StoredEvent ToStored(EventEntity e) => new(
        e.Id,
        e.GatewayName,
        new TelemetryEvent(
            e.Sequence ?? 0,
            e.Kind,
            Time(e.AtMs),
            e.User,
            e.VpnAddress,
            e.SessionId,
            e.Action,
            e.Verdict,
            e.Rule,
            e.Protocol,
            e.Destination,
            e.Port,
            e.Container,
            e.Service,
            e.Name,
            e.QueryType,
            e.ResultCode,
            e.Answer,
            e.Method,
            e.Path,
            e.Scheme,
            e.PublicAddress,
            e.ClientVersion,
            e.Reason,
            e.EndedMs is { } ended ? Time(ended) : null,
            e.BytesFromClient,
            e.BytesToClient,
            e.PacketsFromClient,
            e.PacketsToClient));

    /// <summary>An admin's change (or a refused sign-in) as an event of kind <c>audit</c>, for the same stream and export as the gateways'.</summary>
    public static EventEntity Audit(DateTimeOffset at, string actor, string? source, string action, string subject) => new()
    {
        Kind = EventKinds.Audit,
        AtMs = at.ToUnixTimeMilliseconds(),
        User = Cut(actor.ToLowerInvariant(), EventLimits.User),
        Action = Cut(action, EventLimits.Action),
        Name = Cut(subject, EventLimits.Name),
        PublicAddress = Cut(source, EventLimits.Address),
    };

    public static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    // The audit table's own limits are below these; cutting only guards against them growing apart.
    private static string? Cut(string? value, int max) => value is { Length: var length } && length > max ? value[..max] : value;
}

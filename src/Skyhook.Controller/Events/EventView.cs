using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Events;

/// <summary>
/// One stored event as the API and the CSV export show it: its id and gateway, then every field of
/// <see cref="TelemetryEvent"/> (documented there), flat. <paramref name="Sequence"/> is null for audit events.
/// </summary>
/// <param name="Id">Ascending in storage order: <c>before</c> pages back, <c>after</c> follows.</param>
/// <param name="Gateway">The gateway that sent it; null for the controller's audit events.</param>
public sealed record EventView(
    long Id,
    string? Gateway,
    long? Sequence,
    string Kind,
    DateTimeOffset At,
    string? User,
    string? VpnAddress,
    string? SessionId,
    string? Action,
    string? Verdict,
    string? Rule,
    string? Protocol,
    string? Destination,
    int? Port,
    string? Container,
    string? Service,
    string? Name,
    string? QueryType,
    string? ResultCode,
    string? Answer,
    string? Method,
    string? Path,
    string? Scheme,
    string? PublicAddress,
    string? ClientVersion,
    string? Reason,
    DateTimeOffset? Ended,
    long? BytesFromClient,
    long? BytesToClient,
    long? PacketsFromClient,
    long? PacketsToClient)
{
    public static EventView From(StoredEvent stored)
    {
        var e = stored.Event;
        return new(
            stored.Id,
            stored.Gateway,
            e.Kind == EventKinds.Audit ? null : e.Sequence,
            e.Kind,
            e.At,
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
            e.Ended,
            e.BytesFromClient,
            e.BytesToClient,
            e.PacketsFromClient,
            e.PacketsToClient);
    }
}

using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Events;

/// <summary>
/// One event as the controller holds it: its id (ascending in the order events were stored, so a
/// reader can follow the store with "after id"), the gateway that sent it (null for the controller's
/// own audit events), and the event.
/// </summary>
public sealed record StoredEvent(long Id, string? Gateway, TelemetryEvent Event);

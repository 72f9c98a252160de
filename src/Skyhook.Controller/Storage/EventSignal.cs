using Skyhook.Controller.Hosting;

namespace Skyhook.Controller.Storage;

/// <summary>
/// Wakes this process's followers (<c>GET /api/v1/events?after=ID&amp;wait=S</c>) when events were
/// stored: told by ingest after its transaction, and by <see cref="ControllerDbContext"/> after a save
/// that added events in its own (audit entries). Per process: followers also read the store every second for what other replicas stored.
/// </summary>
public sealed class EventSignal : Signal;

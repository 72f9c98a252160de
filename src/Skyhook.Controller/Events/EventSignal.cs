using Skyhook.Controller.Hosting;

namespace Skyhook.Controller.Events;

/// <summary>
/// Wakes this process's followers (<c>GET /api/v1/events?after=ID&amp;wait=S</c>) when ingest stored
/// events. Per process: followers also read the store every second for what other replicas stored.
/// </summary>
public sealed class EventSignal : Signal;

namespace Skyhook.Gateway.Discovery;

/// <summary>
/// An engine's last good view, and whether its last read succeeded (<paramref name="Current"/>). A view
/// that is not current is the last known one of an engine that cannot be read now.
/// </summary>
public sealed record EngineReading(EngineView View, bool Current);

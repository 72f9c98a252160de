namespace Skyhook.Gateway.Overlay;

/// <summary>An overlay could not be attached or detached; the message names the overlay and says why.</summary>
public sealed class OverlayException(string message, Exception? inner = null) : Exception(message, inner);

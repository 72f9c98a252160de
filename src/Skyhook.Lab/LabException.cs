namespace Skyhook.Lab;

/// <summary>A lab operation that cannot go on, with a message meant for the person at the terminal.</summary>
public sealed class LabException(string message, Exception? inner = null) : Exception(message, inner);

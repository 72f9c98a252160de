namespace Skyhook.Cli.Api;

/// <summary>The controller refused a request, or could not be reached; the message is for the terminal.</summary>
public sealed class ApiException(string message) : Exception(message);

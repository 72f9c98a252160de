namespace Skyhook.Controller.Auth;

/// <param name="TokenName">A label for the new API token, such as the machine it is for; default <c>cli</c>.</param>
public sealed record LoginRequest(string? Name, string? Password, string? Code, string? TokenName);

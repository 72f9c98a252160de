namespace Skyhook.Controller.Setup;

public sealed record SetupRequest(string? SetupToken, string? Name, string? Email, string? Password);

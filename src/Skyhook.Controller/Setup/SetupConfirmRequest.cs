namespace Skyhook.Controller.Setup;

public sealed record SetupConfirmRequest(string? Name, string? Code);

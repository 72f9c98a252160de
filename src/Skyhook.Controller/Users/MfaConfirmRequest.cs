namespace Skyhook.Controller.Users;

public sealed record MfaConfirmRequest(string? Code);

namespace Skyhook.Controller.Users;

/// <summary>Replaces the user's settings (the name stays); a null password keeps the current one.</summary>
public sealed record UpdateUserRequest(string? Email, string? Profile, bool? Enabled, bool? Admin, string? Password);

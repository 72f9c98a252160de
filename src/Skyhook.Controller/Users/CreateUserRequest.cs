namespace Skyhook.Controller.Users;

/// <param name="Profile">The access profile's name; required for users who are not admins.</param>
/// <param name="Password">Optional; a user without one cannot sign in until it is set.</param>
/// <param name="Admin">Whether the user may sign in to this API; default false.</param>
public sealed record CreateUserRequest(string? Name, string? Email, string? Profile, string? Password, bool? Admin);

using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Auth;

/// <summary>
/// The outcome of a password + code check: the user when it passed, the end of the lockout when
/// the name or address is locked, or neither when it failed. Why it failed is deliberately not told.
/// </summary>
public sealed record SignInResult(UserEntity? User, DateTimeOffset? LockedUntil)
{
    public bool Succeeded => User is not null;
}

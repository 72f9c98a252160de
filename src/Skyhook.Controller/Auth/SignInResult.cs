using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Auth;

/// <summary>
/// The outcome of a password + code check: the user when it passed, the end of the lockout when
/// the name or address is locked, or neither when it failed. Which of password or code was wrong is
/// never told; <paramref name="AccountProblem"/> says why the account cannot sign in (disabled, no
/// MFA), and only to a caller who gave its right password. <paramref name="MustEnrol"/> is the
/// user who gave the right password but has no one-time code yet, when the caller allows enrolment
/// (the console's sign-in page); that user is not signed in.
/// </summary>
public sealed record SignInResult(UserEntity? User, DateTimeOffset? LockedUntil, string? AccountProblem = null, UserEntity? MustEnrol = null)
{
    public bool Succeeded => User is not null;
}

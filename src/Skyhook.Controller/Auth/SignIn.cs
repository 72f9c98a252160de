using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Identity;

namespace Skyhook.Controller.Auth;

/// <summary>
/// Password + TOTP code with lockout per user name and per source address, each code accepted once.
/// Admin sign-in to the API and the gateways' VPN login decisions use it.
/// Failures are audited and logged with the account's name only when the name is an account's.
/// </summary>
public sealed partial class SignIn(
    ControllerDbContext db,
    PasswordHasher passwords,
    Mfa mfa,
    LoginThrottle throttle,
    AuditLog audit,
    TimeProvider time,
    IOptions<AuthOptions> options,
    ILogger<SignIn> logger)
{
    /// <summary>What every sign-in form requires before a check: a name, and a password of a length a password may have.</summary>
    public static void RequireCredentials(FieldErrors errors, string? name, string? password)
    {
        errors.Require("name", name);
        if (errors.Require("password", password) && password!.Length > PasswordRules.MaxLength)
        {
            errors.Add("password", $"The password is at most {PasswordRules.MaxLength} characters.");
        }
    }

    /// <param name="adminOnly">True for the API: only enabled admins with MFA pass.</param>
    /// <param name="allowEnrolment">
    /// True for the console: an enabled user without MFA who gives the right password is answered
    /// as <see cref="SignInResult.MustEnrol"/> (to enrol a secret at once) instead of refused.
    /// </param>
    /// <param name="attempt">A VPN login's attempt id (<see cref="Mfa.CheckAsync"/>); null for every other sign-in.</param>
    public async Task<SignInResult> VerifyAsync(
        string name, string password, string? code, string source, bool adminOnly, bool allowEnrolment, CancellationToken cancellationToken, string? attempt = null)
    {
        // An invalid name is throttled by address only: it cannot be anyone's.
        var validName = UserName.TryParse(name, out var userName, out _);
        string[] keys = validName
            ? [LoginThrottle.UserKey(userName!.Value), LoginThrottle.AddressKey(source)]
            : [LoginThrottle.AddressKey(source)];
        if (await throttle.LockedUntilAsync(keys, cancellationToken) is { } lockedUntil)
        {
            Log.SignInLocked(logger, source);
            return new SignInResult(null, lockedUntil);
        }

        var normalized = validName ? userName!.Value.ToLowerInvariant() : null;
        var user = normalized is null ? null : await db.Users.FirstOrDefaultAsync(u => u.NormalizedName == normalized, cancellationToken);
        // The password is checked even for unknown names (against a dummy hash), so that timing
        // does not tell which names exist; the code is checked only after a right password.
        var passwordOk = passwords.Verify(password, user?.PasswordHash);
        // Told only after the right password, so that it reveals nothing about other accounts.
        var accountProblem = !passwordOk || user is null ? null
            : !user.Enabled ? "This account is disabled."
            : !user.MfaEnrolled ? "This account has no one-time code set up yet; ask an admin to enrol MFA."
            : null;
        if (allowEnrolment && passwordOk && user is { Enabled: true, MfaEnrolled: false } && (!adminOnly || user.IsAdmin))
        {
            await throttle.ResetAsync(LoginThrottle.UserKey(user.Name), cancellationToken);
            return new SignInResult(null, null, MustEnrol: user);
        }

        // Why it failed, precisely, for the admins' log and audit only: the caller is told at most accountProblem.
        var cause = user is null ? "no such user"
            : !passwordOk ? "wrong password"
            : !user.Enabled ? "account disabled"
            : !user.MfaEnrolled ? "no one-time code enrolled"
            : adminOnly && !user.IsAdmin ? "not an admin"
            : await mfa.CheckAsync(user, code, cancellationToken, attempt) switch
            {
                MfaCheck.Accepted => null,
                MfaCheck.Reused => "one-time code already used",
                _ => "wrong one-time code",
            };
        if (cause is null)
        {
            await throttle.ResetAsync(LoginThrottle.UserKey(user!.Name), cancellationToken);
            return new SignInResult(user, null);
        }

        // The name is kept only when it is an account's: people type passwords into name fields.
        var who = user?.Name ?? "(no such user)";
        foreach (var key in await throttle.RecordFailureAsync(keys, cancellationToken))
        {
            Log.LockedOut(logger, key.StartsWith("user:", StringComparison.Ordinal) ? who : source, time.GetUtcNow() + options.Value.LockoutDuration);
        }

        audit.Record(who, source, "auth.login-failed", $"user {who}", null, new { cause });
        await db.SaveChangesAsync(cancellationToken);
        Log.SignInFailed(logger, who, source, cause);
        return new SignInResult(null, null, accountProblem);
    }

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.LockedOut, LogLevel.Warning, "Too many failed sign-ins for {Subject}; locked out until {Until}.")]
        public static partial void LockedOut(ILogger logger, string subject, DateTimeOffset until);

        [LoggerMessage(ControllerEventIds.SignInFailed, LogLevel.Warning, "Failed sign-in for {User} from {Source}: {Cause}.")]
        public static partial void SignInFailed(ILogger logger, string user, string source, string cause);

        [LoggerMessage(ControllerEventIds.SignInLocked, LogLevel.Warning, "Sign-in from {Source} refused: locked out.")]
        public static partial void SignInLocked(ILogger logger, string source);
    }
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Storage;
using Skyhook.Core.Identity;

namespace Skyhook.Controller.Auth;

/// <summary>
/// TOTP secrets (encrypted at rest with Data Protection) and code checks in which each code is
/// accepted once, even by two requests racing: the last accepted time step only moves forward, in
/// one conditional UPDATE.
/// </summary>
public sealed class Mfa(IDataProtectionProvider dataProtection, TimeProvider time, ControllerDbContext db, IOptions<AuthOptions> options)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Skyhook.Controller.TotpSecret.v1");
    private readonly Totp _totp = new(time);

    /// <summary>Gives the user a new secret (replacing any old one) and marks MFA as not enrolled.</summary>
    public MfaEnrolment Start(UserEntity user)
    {
        user.ProtectedTotpSecret = Convert.ToBase64String(_protector.Protect(Totp.GenerateSecret()));
        user.MfaEnrolled = false;
        user.LastTotpStep = null;
        user.LastTotpAttempt = null;
        return Pending(user)!;
    }

    /// <summary>
    /// The secret of an enrolment not yet confirmed, to show it again beside a wrong code; null once
    /// enrolled: from then on the secret is never shown.
    /// </summary>
    public MfaEnrolment? Pending(UserEntity user)
    {
        if (user.MfaEnrolled || user.ProtectedTotpSecret is null)
        {
            return null;
        }

        var secret = _protector.Unprotect(Convert.FromBase64String(user.ProtectedTotpSecret));
        return new MfaEnrolment(user.Name, Base32.Encode(secret), _totp.BuildOtpAuthUri(options.Value.TotpIssuer, user.Name, secret));
    }

    /// <summary>True when <paramref name="code"/> is the user's current code and was not used before.</summary>
    public async Task<bool> VerifyAsync(UserEntity user, string? code, CancellationToken cancellationToken) =>
        await CheckAsync(user, code, cancellationToken) == MfaCheck.Accepted;

    /// <summary>
    /// Accepts <paramref name="code"/> when it is the user's current code and was not used before;
    /// otherwise says whether it was wrong or a replay of one already accepted (for the audit log only:
    /// callers tell the person signing in neither).
    /// </summary>
    /// <param name="attempt">
    /// A VPN login's attempt id: the code it took is accepted again for the same attempt (a gateway asking
    /// again after the replica that took it died before answering), and for no other.
    /// </param>
    public async Task<MfaCheck> CheckAsync(UserEntity user, string? code, CancellationToken cancellationToken, string? attempt = null)
    {
        if (user.ProtectedTotpSecret is null)
        {
            return MfaCheck.Wrong;
        }

        var secret = _protector.Unprotect(Convert.FromBase64String(user.ProtectedTotpSecret));
        var attemptHash = attempt is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(attempt)));
        if (_totp.Verify(secret, code, user.LastTotpStep) is not { } step)
        {
            var used = _totp.Verify(secret, code);
            return user.LastTotpStep is { } last && used <= last
                ? await SameAttemptAsync(user, used, attemptHash, cancellationToken) ? MfaCheck.Accepted : MfaCheck.Reused
                : MfaCheck.Wrong;
        }

        var updated = await db.Users
            .Where(u => u.Id == user.Id && (u.LastTotpStep == null || u.LastTotpStep < step))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastTotpStep, step).SetProperty(u => u.LastTotpAttempt, attemptHash), cancellationToken);
        // Zero rows: another sign-in took this step between the read and the update (the same attempt, asked twice, too).
        return updated == 1 || await SameAttemptAsync(user, step, attemptHash, cancellationToken) ? MfaCheck.Accepted : MfaCheck.Reused;
    }

    /// <summary>True when the step the code is for was taken by this very attempt (read afresh: the taker may have been another replica).</summary>
    private async Task<bool> SameAttemptAsync(UserEntity user, long? step, string? attemptHash, CancellationToken cancellationToken)
    {
        if (attemptHash is null || step is null)
        {
            return false;
        }

        var taken = await db.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => new { u.LastTotpStep, u.LastTotpAttempt }).SingleAsync(cancellationToken);
        return taken.LastTotpStep == step && taken.LastTotpAttempt is { } stored
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(attemptHash));
    }
}

public enum MfaCheck
{
    Accepted,
    Wrong,
    Reused,
}

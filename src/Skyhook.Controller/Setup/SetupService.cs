using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Controller.Users;
using Skyhook.Core.Identity;

namespace Skyhook.Controller.Setup;

/// <summary>
/// First start: the setup token from the log creates the first admin with a password and a TOTP
/// secret; a code from the authenticator confirms it. Until then the token may be used again (a
/// lost secret is replaced); afterwards setup is closed for good. The API and the console's
/// first-run page both go through here.
/// </summary>
public sealed partial class SetupService(
    ControllerDbContext db,
    PasswordHasher passwords,
    Mfa mfa,
    LoginThrottle throttle,
    AuditLog audit,
    TimeProvider time,
    ILogger<SetupService> logger)
{
    private static readonly Failure AlreadyComplete = Failure.Conflict("Setup is already complete; sign in instead.");

    public Task<bool> IsCompleteAsync(CancellationToken cancellationToken) => IsCompleteAsync(db, cancellationToken);

    internal static Task<bool> IsCompleteAsync(ControllerDbContext db, CancellationToken cancellationToken) =>
        db.Users.AnyAsync(u => u.IsAdmin && u.MfaEnrolled, cancellationToken);

    /// <summary>Creates the first admin (replacing an unconfirmed one) and answers its new TOTP secret, shown once.</summary>
    public async Task<Outcome<MfaEnrolment>> StartAsync(SetupRequest request, string source, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Require("setupToken", request.SetupToken);
        UserName? name = null;
        if (errors.Require("name", request.Name) && !UserName.TryParse(request.Name, out name, out var nameError))
        {
            errors.Add("name", nameError);
        }

        if (errors.Require("email", request.Email) && EmailRules.Check(request.Email!) is { } emailError)
        {
            errors.Add("email", emailError);
        }

        if (errors.Require("password", request.Password) && PasswordRules.Check(request.Password!) is { } passwordError)
        {
            errors.Add("password", passwordError);
        }

        if (errors.Any)
        {
            return Failure.Invalid(errors);
        }

        if (await IsCompleteAsync(cancellationToken))
        {
            return AlreadyComplete;
        }

        var stored = await db.SetupTokens.FirstOrDefaultAsync(cancellationToken);
        if (stored is null || !CryptographicOperations.FixedTimeEquals(stored.Hash, Secrets.Hash(request.SetupToken!)))
        {
            Log.WrongSetupToken(logger, source);
            return Failure.Unauthorized("The setup token is wrong; use the one the controller wrote to its log at its last start.");
        }

        // Only unconfirmed admins from an earlier attempt can exist now (no one could sign in to
        // create others): this attempt replaces them.
        db.Users.RemoveRange(await db.Users.ToListAsync(cancellationToken));
        var now = time.GetUtcNow();
        var admin = new UserEntity
        {
            Name = name!.Value,
            NormalizedName = name.Value.ToLowerInvariant(),
            Email = request.Email!,
            IsAdmin = true,
            PasswordHash = passwords.Hash(request.Password!),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var enrolment = mfa.Start(admin);
        db.Users.Add(admin);
        audit.Record("setup", source, "setup.start", $"user {admin.Name}", null, UserView.From(admin, null));
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(enrolment);
    }

    /// <summary>Confirms the first admin's secret with a code; setup is then closed and the setup token gone.</summary>
    public async Task<Outcome<UserEntity>> ConfirmAsync(string? name, string? code, string source, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Require("name", name);
        errors.Require("code", code);
        if (errors.Any)
        {
            return Failure.Invalid(errors);
        }

        if (await IsCompleteAsync(cancellationToken))
        {
            return AlreadyComplete;
        }

        // Codes are six digits: without a throttle they could be guessed.
        string[] keys = [LoginThrottle.AddressKey(source)];
        if (await throttle.LockedUntilAsync(keys, cancellationToken) is { } lockedUntil)
        {
            return Failure.TooManyRequests("Too many wrong codes from this address; try again later.", lockedUntil - time.GetUtcNow());
        }

        var normalized = name!.ToLowerInvariant();
        var admin = await db.Users.FirstOrDefaultAsync(u => u.NormalizedName == normalized && u.IsAdmin, cancellationToken);
        if (admin is null || !await mfa.VerifyAsync(admin, code, cancellationToken))
        {
            await throttle.RecordFailureAsync(keys, cancellationToken);
            return Failure.Unauthorized("The name or code is wrong.");
        }

        var before = UserView.From(admin, null);
        admin.MfaEnrolled = true;
        db.SetupTokens.RemoveRange(await db.SetupTokens.ToListAsync(cancellationToken));
        audit.Record(admin.Name, source, "setup.complete", $"user {admin.Name}", before, UserView.From(admin, null));
        await db.SaveChangesAsync(cancellationToken);
        Log.SetupComplete(logger, admin.Name);
        return Outcome.Ok(admin);
    }

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.WrongSetupToken, LogLevel.Warning, "Setup attempt from {Source} with a wrong setup token.")]
        public static partial void WrongSetupToken(ILogger logger, string source);

        [LoggerMessage(ControllerEventIds.SetupComplete, LogLevel.Information, "Setup complete: {Admin} is the first admin.")]
        public static partial void SetupComplete(ILogger logger, string admin);
    }
}

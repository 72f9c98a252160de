using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Identity;
using Skyhook.Core.Policy;

namespace Skyhook.Controller.Users;

/// <summary>
/// Users: admins and VPN users, for the API and the console alike. Names are validated by Core's
/// <see cref="UserName"/> and unique regardless of case. The last enabled, enrolled admin cannot be
/// removed, disabled, demoted or have MFA reset: that would lock everyone out. Every change is
/// audited in the same save.
/// </summary>
public sealed class UserService(ControllerDbContext db, PasswordHasher passwords, Mfa mfa, AuditLog audit, TimeProvider time)
{
    /// <summary>All users by name; <paramref name="search"/> keeps those whose name, e-mail or profile contains it.</summary>
    public async Task<List<UserView>> ListAsync(string? search, CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking().Include(u => u.Profile).OrderBy(u => u.NormalizedName).ToListAsync(cancellationToken);
        return users
            .Select(View)
            .Where(u => string.IsNullOrWhiteSpace(search)
                || u.Name.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
                || u.Email.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
                || u.Profile?.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase) == true)
            .ToList();
    }

    public async Task<Outcome<UserView>> GetAsync(string name, CancellationToken cancellationToken) =>
        await FindAsync(name, cancellationToken) is { } user ? Outcome.Ok(View(user), user.Version) : NotFound(name);

    public async Task<Outcome<UserView>> CreateAsync(CreateUserRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        UserName? name = null;
        if (errors.Require("name", request.Name) && !UserName.TryParse(request.Name, out name, out var nameError))
        {
            errors.Add("name", nameError);
        }

        CheckEmail(errors, request.Email);
        CheckPassword(errors, request.Password);
        var admin = request.Admin ?? false;
        var profile = await ResolveProfileAsync(errors, request.Profile, admin, cancellationToken);
        if (errors.Any)
        {
            return Failure.Invalid(errors);
        }

        var normalized = name!.Value.ToLowerInvariant();
        if (await db.Users.AnyAsync(u => u.NormalizedName == normalized, cancellationToken))
        {
            return Failure.Conflict($"A user named '{name.Value}' already exists (names are unique regardless of case).");
        }

        var now = time.GetUtcNow();
        var user = new UserEntity
        {
            Name = name.Value,
            NormalizedName = normalized,
            Email = request.Email!,
            IsAdmin = admin,
            ProfileId = profile?.Id,
            Profile = profile,
            PasswordHash = request.Password is null ? null : passwords.Hash(request.Password),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        audit.Record(actor, "user.create", $"user {user.Name}", null, View(user));
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(View(user), user.Version);
    }

    public async Task<Outcome<UserView>> UpdateAsync(string name, UpdateUserRequest request, IfMatch ifMatch, Actor actor, CancellationToken cancellationToken)
    {
        var user = await FindAsync(name, cancellationToken);
        if (ifMatch.Refuses(user, NotFound(name), out var refused))
        {
            return refused;
        }

        var errors = new FieldErrors();
        CheckEmail(errors, request.Email);
        CheckPassword(errors, request.Password);
        if (request.Enabled is null)
        {
            errors.Add("enabled", "This field is required.");
        }

        if (request.Admin is null)
        {
            errors.Add("admin", "This field is required.");
        }

        var profile = await ResolveProfileAsync(errors, request.Profile, request.Admin ?? false, cancellationToken);
        if (errors.Any)
        {
            return Failure.Invalid(errors);
        }

        if ((request.Enabled == false || request.Admin == false) && await IsLastAdminAsync(user, cancellationToken))
        {
            return LastAdmin;
        }

        var before = View(user);
        user.Email = request.Email!;
        user.Enabled = request.Enabled!.Value;
        user.IsAdmin = request.Admin!.Value;
        user.ProfileId = profile?.Id;
        user.Profile = profile;
        if (request.Password is not null)
        {
            user.PasswordHash = passwords.Hash(request.Password);
        }

        user.UpdatedAt = time.GetUtcNow();
        audit.Record(actor, "user.update", $"user {user.Name}", before, View(user));
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(View(user), user.Version);
    }

    public async Task<Outcome<UserView>> DeleteAsync(string name, IfMatch ifMatch, Actor actor, CancellationToken cancellationToken)
    {
        var user = await FindAsync(name, cancellationToken);
        if (ifMatch.Refuses(user, NotFound(name), out var refused))
        {
            return refused;
        }

        if (await IsLastAdminAsync(user, cancellationToken))
        {
            return LastAdmin;
        }

        db.Users.Remove(user);
        audit.Record(actor, "user.delete", $"user {user.Name}", View(user), null);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(View(user));
    }

    /// <summary>
    /// Enables or disables the user. Disabling also ends the user's live VPN sessions: the next
    /// desired state lists the user as disabled and every gateway of the group cuts them.
    /// </summary>
    public async Task<Outcome<UserView>> SetEnabledAsync(string name, bool enabled, IfMatch ifMatch, Actor actor, CancellationToken cancellationToken)
    {
        var user = await FindAsync(name, cancellationToken);
        if (ifMatch.Refuses(user, NotFound(name), out var refused))
        {
            return refused;
        }

        if (!enabled && await IsLastAdminAsync(user, cancellationToken))
        {
            return LastAdmin;
        }

        if (user.Enabled != enabled)
        {
            var before = View(user);
            user.Enabled = enabled;
            user.UpdatedAt = time.GetUtcNow();
            audit.Record(actor, enabled ? "user.enable" : "user.disable", $"user {user.Name}", before, View(user));
            await db.SaveChangesAsync(cancellationToken);
        }

        return Outcome.Ok(View(user), user.Version);
    }

    /// <summary>
    /// Gives the user a new TOTP secret, in this answer only; the user is not enrolled (and cannot
    /// use codes) until a code confirms it. The console discards the secret: the user enrols a new
    /// one at the portal's next sign-in.
    /// </summary>
    public async Task<Outcome<MfaEnrolment>> StartMfaAsync(string name, IfMatch ifMatch, Actor actor, CancellationToken cancellationToken)
    {
        var user = await FindAsync(name, cancellationToken);
        if (ifMatch.Refuses(user, NotFound(name), out var refused))
        {
            return refused;
        }

        if (await IsLastAdminAsync(user, cancellationToken))
        {
            return LastAdmin;
        }

        var before = View(user);
        var enrolment = mfa.Start(user);
        user.UpdatedAt = time.GetUtcNow();
        audit.Record(actor, "user.mfa-reset", $"user {user.Name}", before, View(user));
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(enrolment, user.Version);
    }

    /// <summary>
    /// A new TOTP secret for a user who signed in with the right password and has none yet (the
    /// console's enrolment page): shown once, confirmed by <see cref="ConfirmMfaAsync"/>.
    /// </summary>
    public async Task<Outcome<MfaEnrolment>> StartOwnEnrolmentAsync(string name, Actor actor, CancellationToken cancellationToken)
    {
        var user = await FindAsync(name, cancellationToken);
        if (user is null)
        {
            return NotFound(name);
        }

        if (user.MfaEnrolled)
        {
            return Failure.Conflict("This account already has a one-time code set up; ask an admin to reset it.");
        }

        var enrolment = mfa.Start(user);
        user.UpdatedAt = time.GetUtcNow();
        audit.Record(actor, "user.mfa-start", $"user {user.Name}", null, View(user));
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(enrolment, user.Version);
    }

    public async Task<Outcome<UserView>> ConfirmMfaAsync(string name, string? code, Actor actor, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (!errors.Require("code", code))
        {
            return Failure.Invalid(errors);
        }

        var user = await FindAsync(name, cancellationToken);
        if (user is null)
        {
            return NotFound(name);
        }

        if (user.ProtectedTotpSecret is null || user.MfaEnrolled)
        {
            return Failure.Conflict("No MFA enrolment is pending for this user; start one with POST .../mfa.");
        }

        if (!await mfa.VerifyAsync(user, code, cancellationToken))
        {
            return Failure.Invalid("code", "The code is wrong or was already used.");
        }

        var before = View(user);
        user.MfaEnrolled = true;
        user.UpdatedAt = time.GetUtcNow();
        audit.Record(actor, "user.mfa-enrol", $"user {user.Name}", before, View(user));
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(View(user), user.Version);
    }

    /// <summary>The stored user with its profile, tracked, for the services that act on one (sign-in, the portal, its profile).</summary>
    internal Task<UserEntity?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var normalized = name.ToLowerInvariant();
        return db.Users.Include(u => u.Profile).FirstOrDefaultAsync(u => u.NormalizedName == normalized, cancellationToken);
    }

    private static UserView View(UserEntity user) => UserView.From(user, user.Profile?.Name);

    private static Failure NotFound(string name) => Failure.NotFound($"User '{name}'");

    private static readonly Failure LastAdmin =
        Failure.Conflict("This is the last enabled admin with MFA; add another admin first, or everyone would be locked out.");

    private static void CheckEmail(FieldErrors errors, string? email)
    {
        if (errors.Require("email", email) && EmailRules.Check(email!) is { } error)
        {
            errors.Add("email", error);
        }
    }

    private static void CheckPassword(FieldErrors errors, string? password)
    {
        if (password is not null && PasswordRules.Check(password) is { } error)
        {
            errors.Add("password", error);
        }
    }

    private async Task<ProfileEntity?> ResolveProfileAsync(FieldErrors errors, string? profile, bool admin, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(profile))
        {
            if (!admin)
            {
                errors.Add("profile", "This field is required: every VPN user has an access profile.");
            }

            return null;
        }

        // A valid name is safe to echo; an invalid one is described by the rule that refuses it.
        if (!AccessProfile.IsValidName(profile, out var nameError))
        {
            errors.Add("profile", nameError);
            return null;
        }

        var normalized = profile.ToLowerInvariant();
        var found = await db.Profiles.FirstOrDefaultAsync(p => p.NormalizedName == normalized, cancellationToken);
        if (found is null)
        {
            errors.Add("profile", $"No profile named '{profile}' exists.");
        }

        return found;
    }

    private async Task<bool> IsLastAdminAsync(UserEntity user, CancellationToken cancellationToken) =>
        user is { IsAdmin: true, Enabled: true, MfaEnrolled: true }
        && !await db.Users.AnyAsync(u => u.Id != user.Id && u.IsAdmin && u.Enabled && u.MfaEnrolled, cancellationToken);
}

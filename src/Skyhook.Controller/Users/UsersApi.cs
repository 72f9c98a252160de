using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Identity;
using Skyhook.Core.Policy;

namespace Skyhook.Controller.Users;

/// <summary>
/// Users: admins of this API and VPN users. Names are validated by Core's <see cref="UserName"/>
/// and unique regardless of case. The last enabled, enrolled admin cannot be removed, disabled,
/// demoted or have MFA reset: that would lock everyone out.
/// </summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/users").WithTags("Users");
        api.MapGet("/", ListAsync);
        api.MapGet("/{name}", GetAsync);
        api.MapPost("/", CreateAsync);
        api.MapPut("/{name}", UpdateAsync);
        api.MapDelete("/{name}", DeleteAsync);
        api.MapPost("/{name}/disable", (string name, HttpContext context, ControllerDbContext db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken) =>
            SetEnabledAsync(name, false, context, db, audit, time, cancellationToken));
        api.MapPost("/{name}/enable", (string name, HttpContext context, ControllerDbContext db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken) =>
            SetEnabledAsync(name, true, context, db, audit, time, cancellationToken));
        api.MapPost("/{name}/mfa", StartMfaAsync);
        api.MapPost("/{name}/mfa/confirm", ConfirmMfaAsync);
        return app;
    }

    public static async Task<Ok<List<UserView>>> ListAsync(ControllerDbContext db, CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking().Include(u => u.Profile).OrderBy(u => u.NormalizedName).ToListAsync(cancellationToken);
        return TypedResults.Ok(users.Select(u => UserView.From(u, u.Profile?.Name)).ToList());
    }

    public static async Task<Results<Ok<UserView>, ProblemHttpResult>> GetAsync(
        string name, HttpContext context, ControllerDbContext db, CancellationToken cancellationToken)
    {
        var user = await FindAsync(db, name, cancellationToken);
        if (user is null)
        {
            return ApiProblems.NotFound($"User '{name}'");
        }

        ETags.Set(context, user.Version);
        return TypedResults.Ok(View(user));
    }

    public static async Task<Results<Created<UserView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateUserRequest request,
        HttpContext context,
        ControllerDbContext db,
        PasswordHasher passwords,
        AuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
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
        var profile = await ResolveProfileAsync(errors, db, request.Profile, admin, cancellationToken);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var normalized = name!.Value.ToLowerInvariant();
        if (await db.Users.AnyAsync(u => u.NormalizedName == normalized, cancellationToken))
        {
            return ApiProblems.Conflict($"A user named '{name.Value}' already exists (names are unique regardless of case).");
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
        audit.Record(context, "user.create", $"user {user.Name}", null, View(user));
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(context, user.Version);
        return TypedResults.Created($"/api/v1/users/{user.Name}", View(user));
    }

    public static async Task<Results<Ok<UserView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string name,
        UpdateUserRequest request,
        HttpContext context,
        ControllerDbContext db,
        PasswordHasher passwords,
        AuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var user = await FindAsync(db, name, cancellationToken);
        if (user is null)
        {
            return ApiProblems.NotFound($"User '{name}'");
        }

        if (ETags.Check(context, user.Version, required: true) is { } precondition)
        {
            return precondition;
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

        var profile = await ResolveProfileAsync(errors, db, request.Profile, request.Admin ?? false, cancellationToken);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if ((request.Enabled == false || request.Admin == false) && await IsLastAdminAsync(db, user, cancellationToken))
        {
            return LastAdmin();
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
        audit.Record(context, "user.update", $"user {user.Name}", before, View(user));
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(context, user.Version);
        return TypedResults.Ok(View(user));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name, HttpContext context, ControllerDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        var user = await FindAsync(db, name, cancellationToken);
        if (user is null)
        {
            return ApiProblems.NotFound($"User '{name}'");
        }

        if (ETags.Check(context, user.Version, required: false) is { } precondition)
        {
            return precondition;
        }

        if (await IsLastAdminAsync(db, user, cancellationToken))
        {
            return LastAdmin();
        }

        db.Users.Remove(user);
        audit.Record(context, "user.delete", $"user {user.Name}", View(user), null);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<UserView>, ProblemHttpResult>> SetEnabledAsync(
        string name, bool enabled, HttpContext context, ControllerDbContext db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var user = await FindAsync(db, name, cancellationToken);
        if (user is null)
        {
            return ApiProblems.NotFound($"User '{name}'");
        }

        if (ETags.Check(context, user.Version, required: false) is { } precondition)
        {
            return precondition;
        }

        if (!enabled && await IsLastAdminAsync(db, user, cancellationToken))
        {
            return LastAdmin();
        }

        if (user.Enabled != enabled)
        {
            var before = View(user);
            user.Enabled = enabled;
            user.UpdatedAt = time.GetUtcNow();
            audit.Record(context, enabled ? "user.enable" : "user.disable", $"user {user.Name}", before, View(user));
            await db.SaveChangesAsync(cancellationToken);
        }

        ETags.Set(context, user.Version);
        return TypedResults.Ok(View(user));
    }

    /// <summary>
    /// Gives the user a new TOTP secret, shown in this response only; the user is not enrolled
    /// (and cannot use codes) until a code confirms it.
    /// </summary>
    public static async Task<Results<Ok<MfaEnrolment>, ProblemHttpResult>> StartMfaAsync(
        string name, HttpContext context, ControllerDbContext db, Mfa mfa, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var user = await FindAsync(db, name, cancellationToken);
        if (user is null)
        {
            return ApiProblems.NotFound($"User '{name}'");
        }

        if (ETags.Check(context, user.Version, required: false) is { } precondition)
        {
            return precondition;
        }

        if (await IsLastAdminAsync(db, user, cancellationToken))
        {
            return LastAdmin();
        }

        var before = View(user);
        var enrolment = mfa.Start(user);
        user.UpdatedAt = time.GetUtcNow();
        audit.Record(context, "user.mfa-reset", $"user {user.Name}", before, View(user));
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(context, user.Version);
        return TypedResults.Ok(enrolment);
    }

    public static async Task<Results<Ok<UserView>, ValidationProblem, ProblemHttpResult>> ConfirmMfaAsync(
        string name,
        MfaConfirmRequest request,
        HttpContext context,
        ControllerDbContext db,
        Mfa mfa,
        AuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Require("code", request.Code);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var user = await FindAsync(db, name, cancellationToken);
        if (user is null)
        {
            return ApiProblems.NotFound($"User '{name}'");
        }

        if (user.ProtectedTotpSecret is null || user.MfaEnrolled)
        {
            return ApiProblems.Conflict("No MFA enrolment is pending for this user; start one with POST .../mfa.");
        }

        if (!await mfa.VerifyAsync(user, request.Code, cancellationToken))
        {
            errors.Add("code", "The code is wrong or was already used.");
            return errors.ToProblem();
        }

        var before = View(user);
        user.MfaEnrolled = true;
        user.UpdatedAt = time.GetUtcNow();
        audit.Record(context, "user.mfa-enrol", $"user {user.Name}", before, View(user));
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(context, user.Version);
        return TypedResults.Ok(View(user));
    }

    internal static Task<UserEntity?> FindAsync(ControllerDbContext db, string name, CancellationToken cancellationToken)
    {
        var normalized = name.ToLowerInvariant();
        return db.Users.Include(u => u.Profile).FirstOrDefaultAsync(u => u.NormalizedName == normalized, cancellationToken);
    }

    private static UserView View(UserEntity user) => UserView.From(user, user.Profile?.Name);

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

    private static async Task<ProfileEntity?> ResolveProfileAsync(
        FieldErrors errors, ControllerDbContext db, string? profile, bool admin, CancellationToken cancellationToken)
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

    private static async Task<bool> IsLastAdminAsync(ControllerDbContext db, UserEntity user, CancellationToken cancellationToken) =>
        user is { IsAdmin: true, Enabled: true, MfaEnrolled: true }
        && !await db.Users.AnyAsync(u => u.Id != user.Id && u.IsAdmin && u.Enabled && u.MfaEnrolled, cancellationToken);

    private static ProblemHttpResult LastAdmin() =>
        ApiProblems.Conflict("This is the last enabled admin with MFA; add another admin first, or everyone would be locked out.");
}

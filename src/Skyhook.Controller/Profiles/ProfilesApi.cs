using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Policy;

namespace Skyhook.Controller.Profiles;

/// <summary>Access profiles: a base policy and ordered rules, validated by Core's policy model.</summary>
public static class ProfilesApi
{
    public static IEndpointRouteBuilder MapProfilesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/profiles").WithTags("Profiles");
        api.MapGet("/", ListAsync);
        api.MapGet("/{name}", GetAsync);
        api.MapPost("/", CreateAsync);
        api.MapPut("/{name}", UpdateAsync);
        api.MapDelete("/{name}", DeleteAsync);
        return app;
    }

    public static async Task<Ok<List<ProfileView>>> ListAsync(ControllerDbContext db, CancellationToken cancellationToken)
    {
        var profiles = await db.Profiles.AsNoTracking().Include(p => p.Rules).OrderBy(p => p.NormalizedName).ToListAsync(cancellationToken);
        return TypedResults.Ok(profiles.Select(ProfileView.From).ToList());
    }

    public static async Task<Results<Ok<ProfileView>, ProblemHttpResult>> GetAsync(
        string name, HttpContext context, ControllerDbContext db, CancellationToken cancellationToken)
    {
        var profile = await FindAsync(db, name, cancellationToken);
        if (profile is null)
        {
            return ApiProblems.NotFound($"Profile '{name}'");
        }

        ETags.Set(context, profile.Version);
        return TypedResults.Ok(ProfileView.From(profile));
    }

    public static async Task<Results<Created<ProfileView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateProfileRequest request,
        HttpContext context,
        ControllerDbContext db,
        AuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (errors.Require("name", request.Name) && !AccessProfile.IsValidName(request.Name, out var nameError))
        {
            errors.Add("name", nameError);
        }

        var (basePolicy, rules) = ProfileModel.Read(errors, request.BasePolicy, request.Rules);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var normalized = request.Name!.ToLowerInvariant();
        if (await db.Profiles.AnyAsync(p => p.NormalizedName == normalized, cancellationToken))
        {
            return ApiProblems.Conflict($"A profile named '{request.Name}' already exists (names are unique regardless of case).");
        }

        var accessProfile = new AccessProfile(request.Name, basePolicy, rules);
        var now = time.GetUtcNow();
        var profile = new ProfileEntity
        {
            Name = accessProfile.Name,
            NormalizedName = normalized,
            BasePolicy = accessProfile.BasePolicy.ToText(),
            Rules = ProfileModel.ToEntities(accessProfile.Rules),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Profiles.Add(profile);
        var view = ProfileView.From(profile);
        audit.Record(context, "profile.create", $"profile {profile.Name}", null, view);
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(context, profile.Version);
        return TypedResults.Created($"/api/v1/profiles/{profile.Name}", view);
    }

    public static async Task<Results<Ok<ProfileView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string name,
        UpdateProfileRequest request,
        HttpContext context,
        ControllerDbContext db,
        AuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var profile = await FindAsync(db, name, cancellationToken);
        if (profile is null)
        {
            return ApiProblems.NotFound($"Profile '{name}'");
        }

        if (ETags.Check(context, profile.Version, required: true) is { } precondition)
        {
            return precondition;
        }

        var errors = new FieldErrors();
        var (basePolicy, rules) = ProfileModel.Read(errors, request.BasePolicy, request.Rules);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var before = ProfileView.From(profile);
        profile.BasePolicy = basePolicy.ToText();
        db.ProfileRules.RemoveRange(profile.Rules);
        profile.Rules = ProfileModel.ToEntities(rules);
        profile.UpdatedAt = time.GetUtcNow();
        var after = ProfileView.From(profile);
        audit.Record(context, "profile.update", $"profile {profile.Name}", before, after);
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(context, profile.Version);
        return TypedResults.Ok(after);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name, HttpContext context, ControllerDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        var profile = await FindAsync(db, name, cancellationToken);
        if (profile is null)
        {
            return ApiProblems.NotFound($"Profile '{name}'");
        }

        if (ETags.Check(context, profile.Version, required: false) is { } precondition)
        {
            return precondition;
        }

        var users = await db.Users.Where(u => u.ProfileId == profile.Id).OrderBy(u => u.NormalizedName).Select(u => u.Name).Take(5).ToListAsync(cancellationToken);
        if (users.Count > 0)
        {
            return ApiProblems.Conflict($"Profile '{profile.Name}' is in use by {string.Join(", ", users)}; give them another profile first.");
        }

        db.Profiles.Remove(profile);
        audit.Record(context, "profile.delete", $"profile {profile.Name}", ProfileView.From(profile), null);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    internal static Task<ProfileEntity?> FindAsync(ControllerDbContext db, string name, CancellationToken cancellationToken)
    {
        var normalized = name.ToLowerInvariant();
        return db.Profiles.Include(p => p.Rules).FirstOrDefaultAsync(p => p.NormalizedName == normalized, cancellationToken);
    }
}

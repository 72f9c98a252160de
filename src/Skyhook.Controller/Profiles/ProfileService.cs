using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Policy;

namespace Skyhook.Controller.Profiles;

/// <summary>
/// Access profiles (a base policy and ordered rules, validated by Core's policy model through
/// <see cref="ProfileModel"/>), for the API and the console alike. A change replaces the whole rule
/// list, so a rule editor sends the list as it shows it. Every change is audited in the same save.
/// </summary>
public sealed class ProfileService(ControllerDbContext db, AuditLog audit, TimeProvider time)
{
    public async Task<List<ProfileView>> ListAsync(CancellationToken cancellationToken)
    {
        var profiles = await db.Profiles.AsNoTracking().Include(p => p.Rules).OrderBy(p => p.NormalizedName).ToListAsync(cancellationToken);
        return profiles.Select(ProfileView.From).ToList();
    }

    public async Task<Outcome<ProfileView>> GetAsync(string name, CancellationToken cancellationToken) =>
        await FindAsync(name, cancellationToken) is { } profile ? Outcome.Ok(ProfileView.From(profile), profile.Version) : NotFound(name);

    public async Task<Outcome<ProfileView>> CreateAsync(CreateProfileRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (errors.Require("name", request.Name) && !AccessProfile.IsValidName(request.Name, out var nameError))
        {
            errors.Add("name", nameError);
        }

        var (basePolicy, rules) = ProfileModel.Read(errors, request.BasePolicy, request.Rules);
        if (errors.Any)
        {
            return Failure.Invalid(errors);
        }

        var normalized = request.Name!.ToLowerInvariant();
        if (await db.Profiles.AnyAsync(p => p.NormalizedName == normalized, cancellationToken))
        {
            return Failure.Conflict($"A profile named '{request.Name}' already exists (names are unique regardless of case).");
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
        audit.Record(actor, "profile.create", $"profile {profile.Name}", null, view);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(view, profile.Version);
    }

    /// <summary>Replaces the base policy and the whole rule list; the name stays.</summary>
    public async Task<Outcome<ProfileView>> UpdateAsync(string name, UpdateProfileRequest request, IfMatch ifMatch, Actor actor, CancellationToken cancellationToken)
    {
        var profile = await FindAsync(name, cancellationToken);
        if (ifMatch.Refuses(profile, NotFound(name), out var refused))
        {
            return refused;
        }

        var errors = new FieldErrors();
        var (basePolicy, rules) = ProfileModel.Read(errors, request.BasePolicy, request.Rules);
        if (errors.Any)
        {
            return Failure.Invalid(errors);
        }

        var before = ProfileView.From(profile);
        profile.BasePolicy = basePolicy.ToText();
        db.ProfileRules.RemoveRange(profile.Rules);
        profile.Rules = ProfileModel.ToEntities(rules);
        profile.UpdatedAt = time.GetUtcNow();
        var after = ProfileView.From(profile);
        audit.Record(actor, "profile.update", $"profile {profile.Name}", before, after);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(after, profile.Version);
    }

    /// <summary>Refused while a user has the profile: a VPN user without one could reach nothing.</summary>
    public async Task<Outcome<ProfileView>> DeleteAsync(string name, IfMatch ifMatch, Actor actor, CancellationToken cancellationToken)
    {
        var profile = await FindAsync(name, cancellationToken);
        if (ifMatch.Refuses(profile, NotFound(name), out var refused))
        {
            return refused;
        }

        var users = await db.Users.Where(u => u.ProfileId == profile.Id).OrderBy(u => u.NormalizedName).Select(u => u.Name).Take(5).ToListAsync(cancellationToken);
        if (users.Count > 0)
        {
            return Failure.Conflict($"Profile '{profile.Name}' is in use by {string.Join(", ", users)}; give them another profile first.");
        }

        var view = ProfileView.From(profile);
        db.Profiles.Remove(profile);
        audit.Record(actor, "profile.delete", $"profile {profile.Name}", view, null);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(view);
    }

    private Task<ProfileEntity?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var normalized = name.ToLowerInvariant();
        return db.Profiles.Include(p => p.Rules).FirstOrDefaultAsync(p => p.NormalizedName == normalized, cancellationToken);
    }

    private static Failure NotFound(string name) => Failure.NotFound($"Profile '{name}'");
}

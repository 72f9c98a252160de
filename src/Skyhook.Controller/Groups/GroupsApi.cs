using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Addressing;

namespace Skyhook.Controller.Groups;

/// <summary>
/// Gateway groups: the VPN settings and container access every gateway of a group shares, validated
/// whole by Core's <see cref="Core.Groups.GatewayGroupValidator"/>. Swarm join tokens go in and never
/// come out (<c>***</c>), neither in responses nor in the audit log.
/// </summary>
public static class GroupsApi
{
    public static IHostApplicationBuilder AddGroups(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GroupSettingsStore>();
        return builder;
    }

    public static IEndpointRouteBuilder MapGroupsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/groups").WithTags("Groups");
        api.MapGet("/", ListAsync);
        api.MapGet("/{name}", GetAsync);
        api.MapPost("/", CreateAsync);
        api.MapPut("/{name}", UpdateAsync);
        api.MapDelete("/{name}", DeleteAsync);
        return app;
    }

    public static async Task<Ok<List<GroupView>>> ListAsync(ControllerDbContext db, GroupSettingsStore store, CancellationToken cancellationToken)
    {
        var groups = await db.GatewayGroups.AsNoTracking().OrderBy(g => g.NormalizedName).ToListAsync(cancellationToken);
        return TypedResults.Ok(groups.Select(g => GroupSettingsStore.View(g, store.Load(g))).ToList());
    }

    public static async Task<Results<Ok<GroupView>, ProblemHttpResult>> GetAsync(
        string name, HttpContext context, ControllerDbContext db, GroupSettingsStore store, CancellationToken cancellationToken)
    {
        var group = await FindAsync(db, name, cancellationToken);
        if (group is null)
        {
            return ApiProblems.NotFound($"Gateway group '{name}'");
        }

        ETags.Set(context, group.Version);
        return TypedResults.Ok(GroupSettingsStore.View(group, store.Load(group)));
    }

    public static async Task<Results<Created<GroupView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        GroupRequest request,
        HttpContext context,
        ControllerDbContext db,
        GroupSettingsStore store,
        AuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Require("name", request.Name);
        var settings = errors.Any ? null : GroupSettingsStore.Read(errors, request.Name!, request, existing: null);
        if (settings is null)
        {
            return errors.ToProblem();
        }

        var normalized = settings.Name.ToLowerInvariant();
        if (await db.GatewayGroups.AnyAsync(g => g.NormalizedName == normalized, cancellationToken))
        {
            return ApiProblems.Conflict($"A gateway group named '{settings.Name}' already exists (names are unique regardless of case).");
        }

        var now = time.GetUtcNow();
        var group = new GatewayGroupEntity
        {
            Name = settings.Name,
            NormalizedName = normalized,
            Settings = store.Save(settings),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.GatewayGroups.Add(group);
        var view = GroupSettingsStore.View(group, settings);
        audit.Record(context, "group.create", $"group {group.Name}", null, view);
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(context, group.Version);
        return TypedResults.Created($"/api/v1/groups/{group.Name}", view);
    }

    /// <summary>Replaces the group's settings (If-Match required). Every gateway receives them with the next revision.</summary>
    public static async Task<Results<Ok<GroupView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string name,
        GroupRequest request,
        HttpContext context,
        ControllerDbContext db,
        GroupSettingsStore store,
        AuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var group = await FindAsync(db, name, cancellationToken);
        if (group is null)
        {
            return ApiProblems.NotFound($"Gateway group '{name}'");
        }

        if (ETags.Check(context, group.Version, required: true) is { } precondition)
        {
            return precondition;
        }

        var errors = new FieldErrors();
        if (request.Name is not null && !string.Equals(request.Name, group.Name, StringComparison.Ordinal))
        {
            errors.Add("name", $"A group cannot be renamed; leave the name out or give '{group.Name}'.");
            return errors.ToProblem();
        }

        var existing = store.Load(group);
        var settings = GroupSettingsStore.Read(errors, group.Name, request, existing);
        if (settings is null)
        {
            return errors.ToProblem();
        }

        // The gateways keep their client blocks: a new pool or block size must still hold each of them.
        var blocks = await db.Gateways.AsNoTracking().Where(g => g.GroupId == group.Id).OrderBy(g => g.NormalizedName)
            .Select(g => new { g.Name, g.ClientBlock }).ToListAsync(cancellationToken);
        foreach (var gateway in blocks)
        {
            var block = Cidr.Parse(gateway.ClientBlock);
            if (!settings.ClientPool.Contains(block) || block.PrefixLength != settings.ClientBlockPrefixLength)
            {
                errors.Add("clientPool", $"Gateway {gateway.Name} has the client block {block}, which is not a /{settings.ClientBlockPrefixLength} block of {settings.ClientPool}; remove the gateway first or keep a pool that holds its block.");
            }
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var before = GroupSettingsStore.View(group, existing);
        group.Settings = store.Save(settings);
        group.UpdatedAt = time.GetUtcNow();
        var after = GroupSettingsStore.View(group, settings);
        audit.Record(context, "group.update", $"group {group.Name}", before, after);
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(context, group.Version);
        return TypedResults.Ok(after);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name, HttpContext context, ControllerDbContext db, GroupSettingsStore store, AuditLog audit, CancellationToken cancellationToken)
    {
        var group = await FindAsync(db, name, cancellationToken);
        if (group is null)
        {
            return ApiProblems.NotFound($"Gateway group '{name}'");
        }

        if (ETags.Check(context, group.Version, required: false) is { } precondition)
        {
            return precondition;
        }

        var gateways = await db.Gateways.Where(g => g.GroupId == group.Id).OrderBy(g => g.NormalizedName).Select(g => g.Name).Take(5).ToListAsync(cancellationToken);
        if (gateways.Count > 0)
        {
            return ApiProblems.Conflict($"Gateway group '{group.Name}' still has gateways ({string.Join(", ", gateways)}); remove them first.");
        }

        db.GatewayGroups.Remove(group);
        audit.Record(context, "group.delete", $"group {group.Name}", GroupSettingsStore.View(group, store.Load(group)), null);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    internal static Task<GatewayGroupEntity?> FindAsync(ControllerDbContext db, string name, CancellationToken cancellationToken)
    {
        var normalized = name.ToLowerInvariant();
        return db.GatewayGroups.FirstOrDefaultAsync(g => g.NormalizedName == normalized, cancellationToken);
    }
}

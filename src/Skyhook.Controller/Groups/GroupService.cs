using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Addressing;

namespace Skyhook.Controller.Groups;

/// <summary>
/// Gateway groups: the VPN settings, overlay networks and container access every gateway of a group
/// shares, validated whole by Core's <see cref="Core.Groups.GatewayGroupValidator"/> (through
/// <see cref="GroupSettingsStore"/>); for the API and the console alike. Swarm join tokens go in and
/// never come out (<c>***</c>), neither in views nor in the audit log.
/// </summary>
public sealed class GroupService(ControllerDbContext db, GroupSettingsStore store, AuditLog audit, TimeProvider time)
{
    public async Task<List<GroupView>> ListAsync(CancellationToken cancellationToken)
    {
        var groups = await db.GatewayGroups.AsNoTracking().OrderBy(g => g.NormalizedName).ToListAsync(cancellationToken);
        return groups.Select(g => GroupSettingsStore.View(g, store.Load(g))).ToList();
    }

    public async Task<Outcome<GroupView>> GetAsync(string name, CancellationToken cancellationToken) =>
        await FindAsync(name, cancellationToken) is { } group ? Outcome.Ok(GroupSettingsStore.View(group, store.Load(group)), group.Version) : NotFound(name);

    public async Task<Outcome<GroupView>> CreateAsync(GroupRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Require("name", request.Name);
        var settings = errors.Any ? null : GroupSettingsStore.Read(errors, request.Name!, request, existing: null);
        if (settings is null)
        {
            return Failure.Invalid(errors);
        }

        var normalized = settings.Name.ToLowerInvariant();
        if (await db.GatewayGroups.AnyAsync(g => g.NormalizedName == normalized, cancellationToken))
        {
            return Failure.Conflict($"A gateway group named '{settings.Name}' already exists (names are unique regardless of case).");
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
        audit.Record(actor, "group.create", $"group {group.Name}", null, view);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(view, group.Version);
    }

    /// <summary>
    /// Replaces the group's settings; every gateway receives them with the next revision. The name
    /// may be left out and cannot change. Join tokens given as <c>***</c> or left out keep the stored ones.
    /// </summary>
    public async Task<Outcome<GroupView>> UpdateAsync(string name, GroupRequest request, IfMatch ifMatch, Actor actor, CancellationToken cancellationToken)
    {
        var group = await FindAsync(name, cancellationToken);
        if (ifMatch.Refuses(group, NotFound(name), out var refused))
        {
            return refused;
        }

        if (request.Name is not null && !string.Equals(request.Name, group.Name, StringComparison.Ordinal))
        {
            return Failure.Invalid("name", $"A group cannot be renamed; leave the name out or give '{group.Name}'.");
        }

        var errors = new FieldErrors();
        var existing = store.Load(group);
        var settings = GroupSettingsStore.Read(errors, group.Name, request, existing);
        if (settings is null)
        {
            return Failure.Invalid(errors);
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
            return Failure.Invalid(errors);
        }

        var before = GroupSettingsStore.View(group, existing);
        group.Settings = store.Save(settings);
        group.UpdatedAt = time.GetUtcNow();
        var after = GroupSettingsStore.View(group, settings);
        audit.Record(actor, "group.update", $"group {group.Name}", before, after);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(after, group.Version);
    }

    /// <summary>Refused while the group has gateways: they would lose their settings and client blocks.</summary>
    public async Task<Outcome<GroupView>> DeleteAsync(string name, IfMatch ifMatch, Actor actor, CancellationToken cancellationToken)
    {
        var group = await FindAsync(name, cancellationToken);
        if (ifMatch.Refuses(group, NotFound(name), out var refused))
        {
            return refused;
        }

        var gateways = await db.Gateways.Where(g => g.GroupId == group.Id).OrderBy(g => g.NormalizedName).Select(g => g.Name).Take(5).ToListAsync(cancellationToken);
        if (gateways.Count > 0)
        {
            return Failure.Conflict($"Gateway group '{group.Name}' still has gateways ({string.Join(", ", gateways)}); remove them first.");
        }

        var view = GroupSettingsStore.View(group, store.Load(group));
        db.GatewayGroups.Remove(group);
        audit.Record(actor, "group.delete", $"group {group.Name}", view, null);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(view);
    }

    /// <summary>The stored group, tracked, for the services that act on one (adding a gateway to it).</summary>
    internal Task<GatewayGroupEntity?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var normalized = name.ToLowerInvariant();
        return db.GatewayGroups.FirstOrDefaultAsync(g => g.NormalizedName == normalized, cancellationToken);
    }

    internal static Failure NotFound(string name) => Failure.NotFound($"Gateway group '{name}'");
}

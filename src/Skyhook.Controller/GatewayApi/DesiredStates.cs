using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Groups;
using Skyhook.Controller.Storage;
using Skyhook.Core.Contracts;
using Skyhook.Core.Groups;

namespace Skyhook.Controller.GatewayApi;

/// <summary>
/// Builds a gateway's desired state from storage: its own assignment, its group's settings, every
/// profile (rules in canonical text) and every user (name, profile, enabled), in a fixed order so
/// that equal content gives an equal hash.
/// </summary>
/// <remarks>
/// The hash (Core's <see cref="DesiredStateHash"/>) leaves the per-gateway assignment out, so every
/// gateway of a group that applied the same revision reports the same hash and drift shows at a glance.
/// </remarks>
public sealed class DesiredStates(ControllerDbContext db, GroupSettingsStore store)
{
    private static readonly GatewayAssignment Unassigned = new("", "", "");

    public async Task<DesiredState> ForGatewayAsync(GatewayEntity gateway, GatewayGroupEntity group, long revision, CancellationToken cancellationToken)
    {
        var shared = await SharedAsync(cancellationToken);
        return Build(new GatewayAssignment(gateway.Name, gateway.ClientBlock, gateway.PublicEndpoint), group, revision, shared);
    }

    /// <summary>The current desired-state hash of each group, by group id.</summary>
    public async Task<Dictionary<int, string>> GroupHashesAsync(IEnumerable<GatewayGroupEntity> groups, CancellationToken cancellationToken)
    {
        var shared = await SharedAsync(cancellationToken);
        return groups.ToDictionary(g => g.Id, g => Build(Unassigned, g, 0, shared).Hash);
    }

    // Ended sessions are listed until the next end prunes the expired ones, not filtered by the
    // clock here: the document, and so its hash, depends on stored state only.
    private DesiredState Build(GatewayAssignment assignment, GatewayGroupEntity group, long revision, Shared shared)
    {
        var settings = store.Load(group);
        var ended = shared.Ended.Where(s => s.GroupId == group.Id).Select(s => s.Id).ToList();
        var state = new DesiredState(ContractVersion.Current, revision, "", assignment, Document(settings), shared.Profiles, shared.Users, ended);
        return DesiredStateHash.Seal(state);
    }

    private static GroupDocument Document(GatewayGroupSettings settings) => new(
        settings.Name,
        settings.Transport.ToText(),
        settings.Port,
        settings.TunnelMode.ToText(),
        settings.AdditionalCidrs.Select(c => c.ToString()).ToList(),
        settings.Nameservers.Select(n => n.ToString()).ToList(),
        settings.SearchDomains,
        (int)settings.SessionLifetime.TotalSeconds,
        settings.Overlays.Select(o => new OverlayDocument(o.Name, o.Subnet.ToString(), o.Enabled, o.Join?.ManagerAddress, o.Join?.JoinToken)).ToList(),
        settings.HideUnreachableNames);

    private async Task<Shared> SharedAsync(CancellationToken cancellationToken)
    {
        var ended = await db.EndedSessions.AsNoTracking().OrderBy(s => s.Id).Select(s => new EndedSession(s.Id, s.GroupId)).ToListAsync(cancellationToken);
        var profiles = await db.Profiles.AsNoTracking().Include(p => p.Rules).OrderBy(p => p.NormalizedName).ToListAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.NormalizedName)
            .Select(u => new UserDocument(u.Name, u.Profile == null ? null : u.Profile.Name, u.Enabled))
            .ToListAsync(cancellationToken);
        return new Shared(
            profiles.Select(p => new ProfileDocument(p.Name, p.BasePolicy, p.Rules.OrderBy(r => r.Position).Select(r => r.Text).ToList())).ToList(),
            users,
            ended);
    }

    private sealed record EndedSession(string Id, int GroupId);

    /// <summary>What every group's document shares: all profiles and users, and the ended sessions of all groups.</summary>
    private sealed record Shared(List<ProfileDocument> Profiles, List<UserDocument> Users, List<EndedSession> Ended);
}

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Auth;
using Skyhook.Controller.GatewayApi;
using Skyhook.Controller.Groups;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Addressing;
using Skyhook.Core.Vpn;

namespace Skyhook.Controller.Gateways;

/// <summary>
/// Gateways, for admins through the API and the console: add one to a group (client block carved
/// from the group's pool, one-time join token and the command to run), list them with status and
/// drift, remove one (which revokes its credential). The gateways' own API is <see cref="GatewayFacingApi"/>.
/// </summary>
public sealed partial class GatewayService(
    ControllerDbContext db,
    GroupService groups,
    GroupSettingsStore store,
    DesiredStates states,
    ControllerCertificate certificate,
    AuditLog audit,
    TimeProvider time,
    IOptions<GatewayApiOptions> gatewayOptions,
    IOptions<ControllerOptions> controllerOptions,
    Access.DiscoveredContainers discovered,
    ILogger<GatewayService> logger)
{
    public const string JoinTokenPrefix = "skyhook_join_";

    /// <summary>Every gateway by name with its status and drift; <paramref name="group"/> narrows to one group (not found when it does not exist).</summary>
    public async Task<Outcome<List<GatewayView>>> ListAsync(string? group, CancellationToken cancellationToken)
    {
        var query = db.Gateways.AsNoTracking().Include(g => g.Group).AsQueryable();
        if (group is not null)
        {
            var normalized = group.ToLowerInvariant();
            if (!await db.GatewayGroups.AnyAsync(g => g.NormalizedName == normalized, cancellationToken))
            {
                return GroupService.NotFound(group);
            }

            query = query.Where(g => g.Group!.NormalizedName == normalized);
        }

        var gateways = await query.OrderBy(g => g.NormalizedName).ToListAsync(cancellationToken);
        var hashes = await states.GroupHashesAsync(gateways.Select(g => g.Group!).DistinctBy(g => g.Id), cancellationToken);
        var now = time.GetUtcNow();
        return Outcome.Ok(gateways.Select(g => View(g, hashes[g.GroupId], now)).ToList());
    }

    public async Task<Outcome<GatewayView>> GetAsync(string name, CancellationToken cancellationToken)
    {
        var gateway = await FindAsync(name, cancellationToken);
        if (gateway is null)
        {
            return NotFound(name);
        }

        var hashes = await states.GroupHashesAsync([gateway.Group!], cancellationToken);
        return Outcome.Ok(View(gateway, hashes[gateway.GroupId], time.GetUtcNow()), gateway.Version);
    }

    /// <summary>Per group with gateways, by name: whether they run the same desired state, and which do not.</summary>
    public async Task<List<GroupDrift>> DriftAsync(CancellationToken cancellationToken) =>
        Drift((await ListAsync(null, cancellationToken)).Value!);

    /// <summary>The drift of each group among <paramref name="gateways"/> (a list already read), by group name.</summary>
    public static List<GroupDrift> Drift(IEnumerable<GatewayView> gateways) =>
        gateways
            .GroupBy(g => g.Group, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g =>
            {
                var desired = g.First().DesiredHash;
                var applied = g.Where(v => v.AppliedHash is not null).ToList();
                var drifting = g.Where(v => v.Drift).Select(v => v.Name).ToList();
                return new GroupDrift(
                    g.Key,
                    desired,
                    applied.Where(v => v.AppliedRevision is not null).Select(v => v.AppliedRevision!.Value).Distinct().Order().ToList(),
                    drifting,
                    drifting.Count > 0 || applied.Select(v => v.AppliedHash).Distinct(StringComparer.Ordinal).Count() > 1);
            })
            .ToList();

    /// <param name="requestOrigin">
    /// The scheme and host the caller reached the controller at (<c>https://ctl:8443</c>), for the join
    /// command when <c>Controller:PublicUrl</c> is not set.
    /// </param>
    public async Task<Outcome<AddGatewayResponse>> AddAsync(string group, AddGatewayRequest request, string requestOrigin, Actor actor, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (errors.Require("name", request.Name) && GatewayNames.Check(request.Name!) is { } nameError)
        {
            errors.Add("name", nameError);
        }

        if (errors.Require("publicEndpoint", request.PublicEndpoint) && !VpnEndpoint.IsValidHost(request.PublicEndpoint))
        {
            errors.Add("publicEndpoint", "The public endpoint is a host name or an IP address that VPN clients can reach (no port: the group's port applies).");
        }

        if (errors.Any)
        {
            return Failure.Invalid(errors);
        }

        var groupEntity = await groups.FindAsync(group, cancellationToken);
        if (groupEntity is null)
        {
            return GroupService.NotFound(group);
        }

        var normalized = request.Name!.ToLowerInvariant();
        if (await db.Gateways.AnyAsync(g => g.NormalizedName == normalized, cancellationToken))
        {
            return Failure.Conflict($"A gateway named '{request.Name}' already exists (names are unique across groups, regardless of case).");
        }

        var settings = store.Load(groupEntity);
        var taken = (await db.Gateways.AsNoTracking().Where(g => g.GroupId == groupEntity.Id).Select(g => g.ClientBlock).ToListAsync(cancellationToken))
            .Select(Cidr.Parse).ToHashSet();
        var pool = SubnetPool.Create(settings.ClientPool, settings.ClientBlockPrefixLength);
        if (pool.Allocate(taken) is not { } block)
        {
            return Failure.Conflict(string.Create(
                CultureInfo.InvariantCulture,
                $"The VPN client pool {settings.ClientPool} of group '{groupEntity.Name}' is full: all {pool.Capacity} blocks of /{settings.ClientBlockPrefixLength} are taken. Widen the pool (clientPool) or use smaller blocks (clientBlockPrefixLength), or remove a gateway."));
        }

        var now = time.GetUtcNow();
        var token = Secrets.NewToken(JoinTokenPrefix);
        var gateway = new GatewayEntity
        {
            GroupId = groupEntity.Id,
            Group = groupEntity,
            Name = request.Name!,
            NormalizedName = normalized,
            PublicEndpoint = request.PublicEndpoint!,
            ClientBlock = block.ToString(),
            JoinTokenHash = Secrets.Hash(token),
            JoinTokenExpiresAt = now + gatewayOptions.Value.JoinTokenLifetime,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Gateways.Add(gateway);
        var view = View(gateway, null, now);
        audit.Record(actor, "gateway.create", $"gateway {gateway.Name}", null, view);
        await db.SaveChangesAsync(cancellationToken);
        Log.GatewayAdded(logger, gateway.Name, groupEntity.Name, gateway.ClientBlock);
        return Outcome.Ok(new AddGatewayResponse(view, token, gateway.JoinTokenExpiresAt.Value, JoinCommand(requestOrigin, token)), gateway.Version);
    }

    /// <summary>Removes the gateway: its credential stops working at once and its client block becomes free.</summary>
    public async Task<Outcome<GatewayView>> DeleteAsync(string name, IfMatch ifMatch, Actor actor, CancellationToken cancellationToken)
    {
        var gateway = await FindAsync(name, cancellationToken);
        if (ifMatch.Refuses(gateway, NotFound(name), out var refused))
        {
            return refused;
        }

        var view = View(gateway, null, time.GetUtcNow());
        db.Gateways.Remove(gateway);
        audit.Record(actor, "gateway.delete", $"gateway {gateway.Name}", view, null);
        await db.SaveChangesAsync(cancellationToken);
        discovered.Forget(gateway.Id);
        Log.GatewayRemoved(logger, gateway.Name);
        return Outcome.Ok(view);
    }

    /// <summary>A new join token for a gateway that has not enrolled yet (the first was lost or expired); the old one stops working.</summary>
    /// <param name="requestOrigin">As for <see cref="AddAsync"/>.</param>
    public async Task<Outcome<AddGatewayResponse>> RenewJoinTokenAsync(string name, string requestOrigin, Actor actor, CancellationToken cancellationToken)
    {
        var gateway = await FindAsync(name, cancellationToken);
        if (gateway is null)
        {
            return NotFound(name);
        }

        if (gateway.CredentialHash is not null)
        {
            return Failure.Conflict($"Gateway '{gateway.Name}' is already enrolled; to enrol a host again, remove the gateway and add it anew.");
        }

        var now = time.GetUtcNow();
        var before = View(gateway, null, now);
        var token = Secrets.NewToken(JoinTokenPrefix);
        gateway.JoinTokenHash = Secrets.Hash(token);
        gateway.JoinTokenExpiresAt = now + gatewayOptions.Value.JoinTokenLifetime;
        gateway.UpdatedAt = now;
        var view = View(gateway, null, now);
        audit.Record(actor, "gateway.join-token", $"gateway {gateway.Name}", before, view);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Ok(new AddGatewayResponse(view, token, gateway.JoinTokenExpiresAt.Value, JoinCommand(requestOrigin, token)));
    }

    private Task<GatewayEntity?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var normalized = name.ToLowerInvariant();
        return db.Gateways.Include(g => g.Group).FirstOrDefaultAsync(g => g.NormalizedName == normalized, cancellationToken);
    }

    private GatewayView View(GatewayEntity gateway, string? desiredHash, DateTimeOffset now)
    {
        var status = gateway.CredentialHash is null
            ? "pending"
            : gateway.LastHeartbeatAt is { } last && now - last <= gatewayOptions.Value.OfflineAfter ? "online" : "offline";
        return new GatewayView(
            gateway.Name,
            gateway.Group!.Name,
            gateway.PublicEndpoint,
            gateway.ClientBlock,
            status,
            gateway.LastHeartbeatAt,
            gateway.AppliedRevision,
            gateway.AppliedHash,
            gateway.ApplyError,
            gateway.Sessions,
            gateway.AgentVersion,
            desiredHash,
            desiredHash is not null && gateway.AppliedHash is not null && !string.Equals(gateway.AppliedHash, desiredHash, StringComparison.Ordinal),
            gateway.JoinTokenExpiresAt,
            gateway.EnrolledAt,
            gateway.CreatedAt,
            gateway.EventsPending,
            gateway.EventsDropped);
    }

    // The command pins the certificate gateways will see: the configured public URL's (behind a proxy) or this one's.
    private string JoinCommand(string requestOrigin, string token)
    {
        var url = (controllerOptions.Value.PublicUrl ?? requestOrigin).TrimEnd('/');
        return $"skyhook-gateway join {url} {token} --fingerprint {certificate.Fingerprint}";
    }

    private static Failure NotFound(string name) => Failure.NotFound($"Gateway '{name}'");

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.GatewayAdded, LogLevel.Information, "Gateway {Gateway} added to group {Group} with client block {ClientBlock}; waiting for it to enrol.")]
        public static partial void GatewayAdded(ILogger logger, string gateway, string group, string clientBlock);

        [LoggerMessage(ControllerEventIds.GatewayRemoved, LogLevel.Information, "Gateway {Gateway} removed; its credential no longer works.")]
        public static partial void GatewayRemoved(ILogger logger, string gateway);
    }
}

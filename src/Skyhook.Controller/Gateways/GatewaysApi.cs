using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
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
/// Gateways, for admins: add one to a group (client block carved from the group's pool, one-time
/// join token and the command to run), list them with status and drift, remove one (which revokes
/// its credential). The gateways' own API is <see cref="GatewayFacingApi"/>.
/// </summary>
public static partial class GatewaysApi
{
    public const string JoinTokenPrefix = "skyhook_join_";

    public static IEndpointRouteBuilder MapGatewaysApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/groups/{group}/gateways", AddAsync).WithTags("Gateways");
        var api = app.MapGroup("/api/v1/gateways").WithTags("Gateways");
        api.MapGet("/", ListAsync);
        api.MapGet("/{name}", GetAsync);
        api.MapDelete("/{name}", DeleteAsync);
        api.MapPost("/{name}/join-token", RenewJoinTokenAsync);
        return app;
    }

    public static async Task<Results<Created<AddGatewayResponse>, ValidationProblem, ProblemHttpResult>> AddAsync(
        string group,
        AddGatewayRequest request,
        HttpContext context,
        ControllerDbContext db,
        GroupSettingsStore store,
        GroupService groups,
        ControllerCertificate certificate,
        AuditLog audit,
        TimeProvider time,
        IOptions<GatewayApiOptions> gatewayOptions,
        IOptions<ControllerOptions> controllerOptions,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
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
            return errors.ToProblem();
        }

        var groupEntity = await groups.FindAsync(group, cancellationToken);
        if (groupEntity is null)
        {
            return ApiProblems.NotFound($"Gateway group '{group}'");
        }

        var normalized = request.Name!.ToLowerInvariant();
        if (await db.Gateways.AnyAsync(g => g.NormalizedName == normalized, cancellationToken))
        {
            return ApiProblems.Conflict($"A gateway named '{request.Name}' already exists (names are unique across groups, regardless of case).");
        }

        var settings = store.Load(groupEntity);
        var taken = (await db.Gateways.AsNoTracking().Where(g => g.GroupId == groupEntity.Id).Select(g => g.ClientBlock).ToListAsync(cancellationToken))
            .Select(Cidr.Parse).ToHashSet();
        var pool = SubnetPool.Create(settings.ClientPool, settings.ClientBlockPrefixLength);
        if (pool.Allocate(taken) is not { } block)
        {
            return ApiProblems.Conflict(string.Create(
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
        var view = View(gateway, groupEntity.Name, null, gatewayOptions.Value, now);
        audit.Record(context, "gateway.create", $"gateway {gateway.Name}", null, view);
        await db.SaveChangesAsync(cancellationToken);
        Log.GatewayAdded(loggers.CreateLogger(typeof(GatewaysApi)), gateway.Name, groupEntity.Name, gateway.ClientBlock);
        ETags.Set(context, gateway.Version);
        return TypedResults.Created(
            $"/api/v1/gateways/{gateway.Name}",
            new AddGatewayResponse(view, token, gateway.JoinTokenExpiresAt.Value, JoinCommand(context, controllerOptions.Value, certificate, token)));
    }

    public static async Task<Results<Ok<List<GatewayView>>, ProblemHttpResult>> ListAsync(
        string? group,
        ControllerDbContext db,
        DesiredStates states,
        TimeProvider time,
        IOptions<GatewayApiOptions> options,
        CancellationToken cancellationToken)
    {
        var query = db.Gateways.AsNoTracking().Include(g => g.Group).AsQueryable();
        if (group is not null)
        {
            var normalized = group.ToLowerInvariant();
            if (!await db.GatewayGroups.AnyAsync(g => g.NormalizedName == normalized, cancellationToken))
            {
                return ApiProblems.NotFound($"Gateway group '{group}'");
            }

            query = query.Where(g => g.Group!.NormalizedName == normalized);
        }

        var gateways = await query.OrderBy(g => g.NormalizedName).ToListAsync(cancellationToken);
        var hashes = await states.GroupHashesAsync(gateways.Select(g => g.Group!).DistinctBy(g => g.Id), cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok(gateways.Select(g => View(g, g.Group!.Name, hashes[g.GroupId], options.Value, now)).ToList());
    }

    public static async Task<Results<Ok<GatewayView>, ProblemHttpResult>> GetAsync(
        string name,
        HttpContext context,
        ControllerDbContext db,
        DesiredStates states,
        TimeProvider time,
        IOptions<GatewayApiOptions> options,
        CancellationToken cancellationToken)
    {
        var gateway = await FindAsync(db, name, cancellationToken);
        if (gateway is null)
        {
            return ApiProblems.NotFound($"Gateway '{name}'");
        }

        var hashes = await states.GroupHashesAsync([gateway.Group!], cancellationToken);
        ETags.Set(context, gateway.Version);
        return TypedResults.Ok(View(gateway, gateway.Group!.Name, hashes[gateway.GroupId], options.Value, time.GetUtcNow()));
    }

    /// <summary>Removes the gateway: its credential stops working at once and its client block becomes free.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name,
        HttpContext context,
        ControllerDbContext db,
        AuditLog audit,
        TimeProvider time,
        IOptions<GatewayApiOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var gateway = await FindAsync(db, name, cancellationToken);
        if (gateway is null)
        {
            return ApiProblems.NotFound($"Gateway '{name}'");
        }

        if (ETags.Check(context, gateway.Version, required: false) is { } precondition)
        {
            return precondition;
        }

        db.Gateways.Remove(gateway);
        audit.Record(context, "gateway.delete", $"gateway {gateway.Name}", View(gateway, gateway.Group!.Name, null, options.Value, time.GetUtcNow()), null);
        await db.SaveChangesAsync(cancellationToken);
        Log.GatewayRemoved(loggers.CreateLogger(typeof(GatewaysApi)), gateway.Name);
        return TypedResults.NoContent();
    }

    /// <summary>A new join token for a gateway that has not enrolled yet (the first was lost or expired); the old one stops working.</summary>
    public static async Task<Results<Ok<AddGatewayResponse>, ProblemHttpResult>> RenewJoinTokenAsync(
        string name,
        HttpContext context,
        ControllerDbContext db,
        ControllerCertificate certificate,
        AuditLog audit,
        TimeProvider time,
        IOptions<GatewayApiOptions> gatewayOptions,
        IOptions<ControllerOptions> controllerOptions,
        CancellationToken cancellationToken)
    {
        var gateway = await FindAsync(db, name, cancellationToken);
        if (gateway is null)
        {
            return ApiProblems.NotFound($"Gateway '{name}'");
        }

        if (gateway.CredentialHash is not null)
        {
            return ApiProblems.Conflict($"Gateway '{gateway.Name}' is already enrolled; to enrol a host again, remove the gateway and add it anew.");
        }

        var now = time.GetUtcNow();
        var before = View(gateway, gateway.Group!.Name, null, gatewayOptions.Value, now);
        var token = Secrets.NewToken(JoinTokenPrefix);
        gateway.JoinTokenHash = Secrets.Hash(token);
        gateway.JoinTokenExpiresAt = now + gatewayOptions.Value.JoinTokenLifetime;
        gateway.UpdatedAt = now;
        var view = View(gateway, gateway.Group.Name, null, gatewayOptions.Value, now);
        audit.Record(context, "gateway.join-token", $"gateway {gateway.Name}", before, view);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new AddGatewayResponse(view, token, gateway.JoinTokenExpiresAt.Value, JoinCommand(context, controllerOptions.Value, certificate, token)));
    }

    internal static Task<GatewayEntity?> FindAsync(ControllerDbContext db, string name, CancellationToken cancellationToken)
    {
        var normalized = name.ToLowerInvariant();
        return db.Gateways.Include(g => g.Group).FirstOrDefaultAsync(g => g.NormalizedName == normalized, cancellationToken);
    }

    internal static GatewayView View(GatewayEntity gateway, string group, string? desiredHash, GatewayApiOptions options, DateTimeOffset now)
    {
        var status = gateway.CredentialHash is null
            ? "pending"
            : gateway.LastHeartbeatAt is { } last && now - last <= options.OfflineAfter ? "online" : "offline";
        return new GatewayView(
            gateway.Name,
            group,
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
            gateway.CreatedAt);
    }

    private static string JoinCommand(HttpContext context, ControllerOptions options, ControllerCertificate certificate, string token)
    {
        var url = (options.PublicUrl ?? $"{context.Request.Scheme}://{context.Request.Host}").TrimEnd('/');
        return $"skyhook-gateway join {url} {token} --fingerprint {certificate.Fingerprint}";
    }

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.GatewayAdded, LogLevel.Information, "Gateway {Gateway} added to group {Group} with client block {ClientBlock}; waiting for it to enrol.")]
        public static partial void GatewayAdded(ILogger logger, string gateway, string group, string clientBlock);

        [LoggerMessage(ControllerEventIds.GatewayRemoved, LogLevel.Information, "Gateway {Gateway} removed; its credential no longer works.")]
        public static partial void GatewayRemoved(ILogger logger, string gateway);
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Groups;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Controller.Users;
using Skyhook.Core.Identity;
using Skyhook.Core.Vpn;

namespace Skyhook.Controller.Pki;

/// <summary>A user's <c>.ovpn</c> for a gateway group: the CA inline, every enrolled gateway as a remote.</summary>
public static class VpnProfileApi
{
    public static IHostApplicationBuilder AddPki(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ControllerKeys.Cache>();
        builder.Services.AddScoped<ControllerKeys>();
        return builder;
    }

    public static IEndpointRouteBuilder MapVpnProfileApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/users/{name}/vpn-profile", GetAsync).WithTags("Users").Produces<string>(StatusCodes.Status200OK, "text/plain");
        return app;
    }

    /// <param name="group">The gateway group; may be left out when there is only one.</param>
    public static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> GetAsync(
        string name,
        string? group,
        HttpContext context,
        ControllerDbContext db,
        ControllerKeys keys,
        GroupSettingsStore store,
        CancellationToken cancellationToken)
    {
        var user = await UsersApi.FindAsync(db, name, cancellationToken);
        if (user is null)
        {
            return ApiProblems.NotFound($"User '{name}'");
        }

        GatewayGroupEntity? groupEntity;
        if (string.IsNullOrEmpty(group))
        {
            var groups = await db.GatewayGroups.AsNoTracking().OrderBy(g => g.NormalizedName).Take(2).ToListAsync(cancellationToken);
            if (groups.Count != 1)
            {
                var errors = new FieldErrors();
                errors.Add("group", groups.Count == 0 ? "No gateway group exists yet; create one first." : "Name the gateway group (?group=NAME): there is more than one.");
                return errors.ToProblem();
            }

            groupEntity = groups[0];
        }
        else
        {
            groupEntity = await GroupsApi.FindAsync(db, group, cancellationToken);
            if (groupEntity is null)
            {
                return ApiProblems.NotFound($"Gateway group '{group}'");
            }
        }

        var settings = store.Load(groupEntity);
        var endpoints = await db.Gateways.AsNoTracking()
            .Where(g => g.GroupId == groupEntity.Id && g.CredentialHash != null)
            .OrderBy(g => g.NormalizedName)
            .Select(g => g.PublicEndpoint)
            .ToListAsync(cancellationToken);
        if (endpoints.Count == 0)
        {
            return ApiProblems.Conflict($"Gateway group '{groupEntity.Name}' has no enrolled gateway yet: a profile needs at least one to connect to.");
        }

        var ca = await keys.CaAsync(cancellationToken);
        var text = OpenVpnClientProfile.Render(
            UserName.Parse(user.Name),
            groupEntity.Name,
            settings.Transport,
            endpoints.Select(e => new VpnEndpoint(e, settings.Port)).ToList(),
            ca.CertificatePem);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{user.Name}-{groupEntity.Name}.ovpn\"";
        return TypedResults.Text(text, "text/plain", System.Text.Encoding.UTF8);
    }
}

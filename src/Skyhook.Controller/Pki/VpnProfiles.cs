using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Groups;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Identity;
using Skyhook.Core.Vpn;

namespace Skyhook.Controller.Pki;

/// <summary>
/// A user's <c>.ovpn</c> for a gateway group: the CA inline, every enrolled gateway as a remote, the
/// static challenge for the one-time code. It holds no secret of the user's, so the API (for admins)
/// and the portal (for the user) hand out the same file.
/// </summary>
public sealed class VpnProfiles(ControllerDbContext db, ControllerKeys keys, GroupSettingsStore store, GroupService groups)
{
    public sealed record File(string FileName, string Text);

    /// <param name="group">The gateway group; may be left out when there is only one.</param>
    public async Task<Outcome<File>> RenderAsync(string name, string? group, CancellationToken cancellationToken)
    {
        var normalized = name.ToLowerInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedName == normalized, cancellationToken);
        if (user is null)
        {
            return Failure.NotFound($"User '{name}'");
        }

        GatewayGroupEntity? groupEntity;
        if (string.IsNullOrEmpty(group))
        {
            var groups = await db.GatewayGroups.AsNoTracking().OrderBy(g => g.NormalizedName).Take(2).ToListAsync(cancellationToken);
            if (groups.Count != 1)
            {
                return Failure.Invalid("group", groups.Count == 0 ? "No gateway group exists yet; create one first." : "Name the gateway group (?group=NAME): there is more than one.");
            }

            groupEntity = groups[0];
        }
        else
        {
            groupEntity = await groups.FindAsync(group, cancellationToken);
            if (groupEntity is null)
            {
                return GroupService.NotFound(group);
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
            return Failure.Conflict($"Gateway group '{groupEntity.Name}' has no enrolled gateway yet: a profile needs at least one to connect to.");
        }

        var ca = await keys.CaAsync(cancellationToken);
        var text = OpenVpnClientProfile.Render(
            UserName.Parse(user.Name),
            groupEntity.Name,
            settings.Transport,
            settings.LoadBalancer is { } balancer ? [balancer] : endpoints.Select(e => new VpnEndpoint(e, settings.Port)).ToList(),
            ca.CertificatePem);
        return Outcome.Ok(new File($"{user.Name}-{groupEntity.Name}.ovpn", text));
    }
}

using System.Text;
using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.Gateways;
using Skyhook.Controller.Groups;
using Skyhook.Controller.Pki;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Profiles;
using Skyhook.Controller.Users;

namespace Skyhook.Controller.Web.Portal;

/// <summary>
/// The user portal: the user's own <c>.ovpn</c> per gateway group, how to connect with common
/// clients, and what the user's profile lets them reach. Only ever the signed-in user's own data.
/// </summary>
public sealed class IndexModel(UserService users, ProfileService profiles, GroupService groups, GatewayService gateways, VpnProfiles vpnProfiles) : ConsolePageModel
{
    public ProfileView? Profile { get; private set; }

    public List<GroupView> Groups { get; private set; } = [];

    private string Name => User.Identity!.Name!;

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => ShowAsync(cancellationToken);

    public async Task<IActionResult> OnGetDownloadAsync(string? group, CancellationToken cancellationToken)
    {
        var outcome = await vpnProfiles.RenderAsync(Name, group, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return await ShowAsync(failure, cancellationToken);
        }

        return File(Encoding.UTF8.GetBytes(outcome.Value!.Text), "application/x-openvpn-profile", outcome.Value.FileName);
    }

    protected override async Task<Failure?> LoadAsync(CancellationToken cancellationToken)
    {
        // Only groups a client can connect to: a profile needs at least one enrolled gateway.
        var enrolled = (await gateways.ListAsync(null, cancellationToken)).Value!
            .Where(g => g.EnrolledAt is not null)
            .Select(g => g.Group)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        Groups = (await groups.ListAsync(cancellationToken)).Where(g => enrolled.Contains(g.Name)).ToList();
        if ((await users.GetAsync(Name, cancellationToken)).Value?.Profile is { } profile)
        {
            Profile = (await profiles.GetAsync(profile, cancellationToken)).Value;
        }

        return null;
    }
}

using Skyhook.Controller.Audit;
using Skyhook.Controller.Gateways;
using Skyhook.Controller.Groups;
using Skyhook.Controller.Profiles;
using Skyhook.Controller.Sessions;
using Skyhook.Controller.Users;

namespace Skyhook.Controller.Web.Console;

/// <summary>The admin's first page: gateway health and drift, live sessions, recent refusals, what is left to set up.</summary>
public sealed class IndexModel(
    GatewayService gateways, GroupService groups, SessionService sessions, AuditQuery audit, ProfileService profiles, UserService users) : ConsolePageModel
{
    public List<GatewayView> Gateways { get; private set; } = [];

    public List<GroupView> Groups { get; private set; } = [];

    /// <summary>Per group, whether its gateways run its current configuration (shown in red when not).</summary>
    public List<GroupDrift> Drift { get; private set; } = [];

    public int SessionCount { get; private set; }

    public List<LoginRefusal> Refusals { get; private set; } = [];

    public int ProfileCount { get; private set; }

    public int UserCount { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Gateways = (await gateways.ListAsync(null, cancellationToken)).Value!;
        Drift = GatewayService.Drift(Gateways);
        Groups = await groups.ListAsync(cancellationToken);
        SessionCount = (await sessions.ListAsync(null, cancellationToken)).Count;
        Refusals = await audit.RecentRefusalsAsync(10, cancellationToken);
        ProfileCount = (await profiles.ListAsync(cancellationToken)).Count;
        UserCount = (await users.ListAsync(null, cancellationToken)).Count;
    }
}

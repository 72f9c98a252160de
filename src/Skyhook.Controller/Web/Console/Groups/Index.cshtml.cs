using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.Gateways;
using Skyhook.Controller.Groups;
using Skyhook.Controller.Problems;

namespace Skyhook.Controller.Web.Console.Groups;

/// <summary>Gateway groups with their gateways' health, and adding a group.</summary>
public sealed class IndexModel(GroupService groups, GatewayService gateways) : ConsolePageModel
{
    public List<GroupView> Groups { get; private set; } = [];

    public List<GatewayView> Gateways { get; private set; } = [];

    public string? Name { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => ShowAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(string? name, string? transport, int? port, string? tunnelMode, CancellationToken cancellationToken)
    {
        Name = name;
        var outcome = await groups.CreateAsync(new GroupRequest(name, transport, port, tunnelMode, null, null, null, null, null, null, null), Actor, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return await ShowAsync(failure, cancellationToken);
        }

        return Done($"Group {outcome.Value!.Name} added. Next: enable container access and add a gateway.", "/Console/Groups/Detail", new { name = outcome.Value.Name });
    }

    protected override async Task<Failure?> LoadAsync(CancellationToken cancellationToken)
    {
        Groups = await groups.ListAsync(cancellationToken);
        Gateways = (await gateways.ListAsync(null, cancellationToken)).Value!;
        return null;
    }
}

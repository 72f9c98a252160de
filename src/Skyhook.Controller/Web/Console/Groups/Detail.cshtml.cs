using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.Gateways;
using Skyhook.Controller.Groups;
using Skyhook.Controller.Problems;

namespace Skyhook.Controller.Web.Console.Groups;

/// <summary>
/// One gateway group: its gateways (health, drift, adding one with its join command shown once),
/// its VPN settings and its container access, saved whole with the version the page showed and
/// validated as the API validates them.
/// </summary>
public sealed class DetailModel(GroupService groups, GatewayService gateways) : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    public GroupView? Group { get; private set; }

    public long Version { get; private set; }

    public List<GatewayView> Gateways { get; private set; } = [];

    /// <summary>The join command of a gateway just added: in this answer only.</summary>
    public AddGatewayResponse? Join { get; private set; }

    public string? GatewayName { get; private set; }

    public string? PublicEndpoint { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => ShowAsync(cancellationToken);

    public async Task<IActionResult> OnPostSaveAsync(long version, CancellationToken cancellationToken)
    {
        var form = Request.Form;
        var request = new GroupRequest(
            Name,
            form["transport"],
            int.TryParse(form["port"], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null,
            form["tunnelMode"],
            Lines(form["additionalCidrs"]),
            Lines(form["nameservers"]),
            Lines(form["searchDomains"]),
            form["clientPool"],
            int.TryParse(form["clientBlockPrefixLength"], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) ? prefix : null,
            double.TryParse(form["sessionLifetimeHours"], NumberStyles.Float, CultureInfo.InvariantCulture, out var hours) && hours is > 0 and < 1e6
                ? (int)Math.Round(hours * 3600)
                : null,
            Overlays(form),
            form["hideUnreachableNames"] == "true",
            form["loadBalancer"]);
        var outcome = await groups.UpdateAsync(Name, request, IfMatch.Version(version), Actor, cancellationToken);
        return outcome.Failure is { } failure ? await ShowAsync(failure, cancellationToken) : Done("Group settings saved; the gateways apply them within a second.", "/Console/Groups/Detail", new { name = Name });
    }

    public async Task<IActionResult> OnPostAddGatewayAsync(string? gatewayName, string? publicEndpoint, CancellationToken cancellationToken)
    {
        (GatewayName, PublicEndpoint) = (gatewayName, publicEndpoint);
        var outcome = await gateways.AddAsync(Name, new AddGatewayRequest(gatewayName, publicEndpoint), GatewaysApi.Origin(HttpContext), Actor, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return await ShowAsync(failure, cancellationToken);
        }

        // Not a redirect: the join command exists in this answer only.
        (GatewayName, PublicEndpoint) = (null, null);
        Join = outcome.Value;
        return await ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostRenewJoinAsync(string? gateway, CancellationToken cancellationToken)
    {
        var outcome = await gateways.RenewJoinTokenAsync(gateway ?? "", GatewaysApi.Origin(HttpContext), Actor, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return await ShowAsync(failure, cancellationToken);
        }

        Join = outcome.Value;
        return await ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostRemoveGatewayAsync(string? gateway, CancellationToken cancellationToken)
    {
        var outcome = await gateways.DeleteAsync(gateway ?? "", IfMatch.Any, Actor, cancellationToken);
        return outcome.Failure is { } failure ? await ShowAsync(failure, cancellationToken) : Done($"Gateway {gateway} removed.", "/Console/Groups/Detail", new { name = Name });
    }

    public async Task<IActionResult> OnPostDeleteAsync(long version, CancellationToken cancellationToken)
    {
        var outcome = await groups.DeleteAsync(Name, IfMatch.Version(version), Actor, cancellationToken);
        return outcome.Failure is { } failure ? await ShowAsync(failure, cancellationToken) : Done($"Group {Name} deleted.", "/Console/Groups/Index");
    }

    private static List<string?> Lines(string? text) =>
        [.. (text ?? "").Split(['\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>The overlay rows with a name; an empty token keeps the stored one (<c>***</c>).</summary>
    private static List<OverlayRequest?> Overlays(IFormCollection form)
    {
        var overlays = new List<OverlayRequest?>();
        for (var i = 0; form.ContainsKey($"overlays[{i}].name"); i++)
        {
            string? Field(string name) => form[string.Create(CultureInfo.InvariantCulture, $"overlays[{i}].{name}")].ToString().Trim() is { Length: > 0 } value ? value : null;
            if (Field("name") is not { } name)
            {
                continue;
            }

            var manager = Field("manager");
            var token = Field("joinToken");
            overlays.Add(new OverlayRequest(
                name,
                Field("subnet"),
                Field("enabled") == "true",
                manager is null && token is null ? null : new SwarmJoinRequest(manager, token ?? "***")));
        }

        return overlays;
    }

    protected override async Task<Failure?> LoadAsync(CancellationToken cancellationToken)
    {
        var outcome = await groups.GetAsync(Name, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return failure;
        }

        (Group, Version) = (outcome.Value, outcome.Version ?? 0);
        Gateways = (await gateways.ListAsync(Group!.Name, cancellationToken)).Value ?? [];
        return null;
    }
}

using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Sessions;

namespace Skyhook.Controller.Web.Console.Sessions;

/// <summary>Live VPN sessions of every online gateway, and disconnecting one.</summary>
public sealed class IndexModel(SessionService sessions) : ConsolePageModel
{
    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserFilter { get; set; }

    public List<SessionView> Sessions { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => ShowAsync(cancellationToken);

    public async Task<IActionResult> OnPostEndAsync(string? id, CancellationToken cancellationToken)
    {
        var outcome = await sessions.EndAsync(id ?? "", Actor, cancellationToken);
        return outcome.Failure is { } failure
            ? await ShowAsync(failure, cancellationToken)
            : Done("Session ended: its gateway cuts it within a second.", "/Console/Sessions/Index");
    }

    protected override async Task<Failure?> LoadAsync(CancellationToken cancellationToken)
    {
        Sessions = await sessions.ListAsync(string.IsNullOrWhiteSpace(UserFilter) ? null : UserFilter.Trim(), cancellationToken);
        return null;
    }
}

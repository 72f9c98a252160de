using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Skyhook.Controller.Setup;

namespace Skyhook.Controller.Web;

/// <summary>The front door: first-run setup, sign-in, or the signed-in user's home.</summary>
public sealed class IndexModel(SetupService setup) : PageModel
{
    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        !await setup.IsCompleteAsync(cancellationToken) ? Redirect("/setup")
        : User.Identity is { IsAuthenticated: true, AuthenticationType: ConsoleAuth.Scheme } ? Redirect(ConsoleAuth.Home(User))
        : Redirect("/signin");
}

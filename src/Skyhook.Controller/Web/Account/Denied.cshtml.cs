using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Skyhook.Controller.Web.Account;

/// <summary>Where a signed-in user lands who may not open a page (a VPN user on an admin page): 403.</summary>
public sealed class DeniedModel : PageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}

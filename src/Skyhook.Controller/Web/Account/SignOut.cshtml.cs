using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Skyhook.Controller.Web.Account;

/// <summary>Signing out is a POST with the anti-forgery token, so no other site can sign a user out.</summary>
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsoleAuth.Scheme);
        await HttpContext.SignOutAsync(ConsoleAuth.EnrolScheme);
        return Redirect("/signin");
    }
}

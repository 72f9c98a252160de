using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Users;

namespace Skyhook.Controller.Web.Account;

/// <summary>
/// The first sign-in of a user without a one-time code (after the right password): a new TOTP
/// secret as a QR code, confirmed with a code, then the user is signed in.
/// </summary>
public sealed class EnrolModel(UserService users, Mfa mfa) : ConsolePageModel
{
    public MfaEnrolment? Enrolment { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    private string Name => User.Identity!.Name!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var outcome = await users.StartOwnEnrolmentAsync(Name, Actor, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return Fail(failure);
        }

        Enrolment = outcome.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var outcome = await users.ConfirmMfaAsync(Name, FormSecret("code"), Actor, cancellationToken);
        var user = await users.FindAsync(Name, cancellationToken);
        if (outcome.Failure is { } failure || user is null)
        {
            // The same secret again, so the code from the app that already scanned it works.
            Enrolment = user is null ? null : mfa.Pending(user);
            return Fail(outcome.Failure ?? Problems.Failure.NotFound($"User '{Name}'"));
        }

        await HttpContext.SignOutAsync(ConsoleAuth.EnrolScheme);
        await ConsoleAuth.SignInAsync(HttpContext, user);
        Notice = "Your one-time code is set up. Use it with your password to sign in here and to the VPN.";
        return RedirectAfterSignIn(ReturnUrl, user.IsAdmin);
    }
}

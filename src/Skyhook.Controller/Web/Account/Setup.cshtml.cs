using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Setup;
using Skyhook.Controller.Users;

namespace Skyhook.Controller.Web.Account;

/// <summary>
/// First run: the setup token from the log creates the first admin, whose TOTP secret is shown
/// once as a QR code; a code from the app confirms it and signs the admin in.
/// </summary>
public sealed class SetupModel(SetupService setup, UserService users, Mfa mfa) : ConsolePageModel
{
    public string? Name { get; private set; }

    public string? Email { get; private set; }

    /// <summary>The new secret: set only in the answer to the first step, or beside a wrong code.</summary>
    public MfaEnrolment? Enrolment { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await setup.IsCompleteAsync(cancellationToken) ? Redirect("/signin") : Page();

    public async Task<IActionResult> OnPostStartAsync(string? name, string? email, CancellationToken cancellationToken)
    {
        (Name, Email) = (name, email);
        var outcome = await setup.StartAsync(new SetupRequest(FormSecret("setupToken"), name, email, FormSecret("password")), Caller.Source(HttpContext), cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return Fail(failure);
        }

        Enrolment = outcome.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(string? name, CancellationToken cancellationToken)
    {
        Name = name;
        var outcome = await setup.ConfirmAsync(name, FormSecret("code"), Caller.Source(HttpContext), cancellationToken);
        if (outcome.Failure is { } failure)
        {
            // The same secret again, so the code from the app that already scanned it works.
            Enrolment = name is null ? null : await users.FindAsync(name, cancellationToken) is { IsAdmin: true } admin ? mfa.Pending(admin) : null;
            return Fail(failure);
        }

        await ConsoleAuth.SignInAsync(HttpContext, outcome.Value!);
        return Done("Setup is complete. Next: add a gateway group, then users and their profiles.", "/Console/Index");
    }
}

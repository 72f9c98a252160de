using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Problems;

namespace Skyhook.Controller.Web.Account;

/// <summary>
/// Password and one-time code for admins (to the console) and users (to the portal). A user who
/// gives the right password and has no code yet goes on to enrol one. The person signing in is never
/// told which of name, password or code was wrong.
/// </summary>
public sealed partial class SignInModel(SignIn signIn, TimeProvider time, ILogger<SignInModel> logger) : ConsolePageModel
{
    public string? Name { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IActionResult OnGet() =>
        User.Identity is { IsAuthenticated: true, AuthenticationType: ConsoleAuth.Scheme } ? Redirect(ConsoleAuth.Home(User)) : Page();

    public async Task<IActionResult> OnPostAsync(string? name, CancellationToken cancellationToken)
    {
        Name = name;
        var password = FormSecret("password");
        var code = FormSecret("code");
        var errors = new FieldErrors();
        Auth.SignIn.RequireCredentials(errors, name, password);

        if (errors.Any)
        {
            return Fail(Problems.Failure.Invalid(errors));
        }

        var source = Caller.Source(HttpContext);
        var result = await signIn.VerifyAsync(name!, password!, code, source, adminOnly: false, allowEnrolment: true, cancellationToken);
        if (result.LockedUntil is { } lockedUntil)
        {
            return Fail(Problems.Failure.TooManyRequests("Too many failed sign-ins from this name or address; try again later.", lockedUntil - time.GetUtcNow()));
        }

        if (result.MustEnrol is { } enrolling)
        {
            await ConsoleAuth.StartEnrolmentAsync(HttpContext, enrolling);
            return RedirectToPage("/Account/Enrol", new { returnUrl = ReturnUrl is not null && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null });
        }

        if (result.User is not { } user)
        {
            return Fail(Problems.Failure.Unauthorized(result.AccountProblem ?? "Wrong user name, password or one-time code."));
        }

        await ConsoleAuth.SignInAsync(HttpContext, user);
        Log.SignedIn(logger, user.Name, source);
        return RedirectAfterSignIn(ReturnUrl, user.IsAdmin);
    }

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.ConsoleSignedIn, LogLevel.Information, "{User} signed in to the web console from {Source}.")]
        public static partial void SignedIn(ILogger logger, string user, string source);
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Problems;

namespace Skyhook.Controller.Web;

/// <summary>
/// What every console and portal page shares: who acts (for the audit log), the failure to show
/// beside the fields of the form that caused it, and a notice that survives the redirect after a
/// successful change (post/redirect/get).
/// </summary>
public abstract class ConsolePageModel : PageModel
{
    public Failure? Failure { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    protected Actor Actor => Actor.From(HttpContext);

    /// <summary>
    /// A secret the form posted (a password, a one-time code, a token), read from the form and never
    /// bound as a handler argument: ASP.NET Core logs handler arguments at Trace level.
    /// </summary>
    protected string? FormSecret(string field) =>
        Request.HasFormContentType && Request.Form[field].ToString() is { Length: > 0 } value ? value : null;

    /// <summary>A filter field as the services take it: trimmed, and null when left empty.</summary>
    protected static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>A time from a date-time input (no zone), which the console labels and reads as UTC.</summary>
    protected static DateTimeOffset? Utc(DateTime? value) =>
        value is { } time ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)) : null;

    /// <summary>Reads what the page shows; a failure (what it shows does not exist) is shown in its place.</summary>
    protected virtual Task<Failure?> LoadAsync(CancellationToken cancellationToken) => Task.FromResult<Failure?>(null);

    /// <summary>The page as stored now.</summary>
    protected async Task<IActionResult> ShowAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) is { } missing ? Fail(missing) : Page();

    /// <summary>The page as stored now, with the failure of the change that was refused beside its fields.</summary>
    protected async Task<IActionResult> ShowAsync(Failure failure, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Fail(failure);
    }

    /// <summary>Shows the page again with the failure, and the status the API would have answered.</summary>
    protected IActionResult Fail(Failure failure)
    {
        Failure = failure;
        Response.StatusCode = OutcomeResults.StatusCode(failure.Kind);
        return Page();
    }

    /// <summary>
    /// To <paramref name="returnUrl"/> when it is a path on this site (a sign-in link must not send
    /// the user elsewhere afterwards), else home: the console for admins, the portal for users.
    /// </summary>
    protected IActionResult RedirectAfterSignIn(string? returnUrl, bool admin) =>
        Redirect(!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : ConsoleAuth.Home(admin));

    /// <summary>After a change: the notice is shown once, on the page redirected to.</summary>
    protected IActionResult Done(string notice, string page, object? routeValues = null)
    {
        Notice = notice;
        return RedirectToPage(page, routeValues);
    }
}

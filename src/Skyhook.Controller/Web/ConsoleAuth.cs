using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Web;

/// <summary>
/// Browser sign-ins: a cookie for admins and users who passed password and code, and a short-lived
/// one for a user who gave the right password and must now enrol a one-time code. Every request
/// checks the account again, so disabling a user, demoting an admin, or changing a password or MFA
/// ends their browser sessions at once.
/// </summary>
public static partial class ConsoleAuth
{
    public const string Scheme = "console";
    public const string EnrolScheme = "console-enrol";
    public const string AdminPolicy = "console-admin";
    public const string UserPolicy = "console-user";
    public const string EnrolPolicy = "console-enrol";
    public const string AdminRole = "admin";
    private const string StampClaim = "skyhook:stamp";

    // When the password and code were checked; not the cookie's issue time, which sliding
    // expiration moves forward on every renewal.
    private const string SignedInClaim = "skyhook:signed-in";

    public static Task SignInAsync(HttpContext context, UserEntity user) => SignInAsync(context, user, Scheme);

    public static Task StartEnrolmentAsync(HttpContext context, UserEntity user) => SignInAsync(context, user, EnrolScheme);

    public static bool IsAdmin(ClaimsPrincipal principal) => principal.IsInRole(AdminRole);

    /// <summary>Where a signed-in user lands: the console for admins, the portal for everyone else.</summary>
    public static string Home(ClaimsPrincipal principal) => Home(IsAdmin(principal));

    public static string Home(bool admin) => admin ? "/console" : "/portal";

    internal static void Configure(CookieAuthenticationOptions options, string cookie, ConsoleOptions console, TimeProvider time, bool enrolment)
    {
        // The cookie's expiry is checked on the controller's clock, the one the tests can move.
        options.TimeProvider = time;
        options.Cookie.Name = cookie;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.LoginPath = "/signin";
        options.LogoutPath = "/signout";
        options.AccessDeniedPath = "/denied";
        options.ReturnUrlParameter = "returnUrl";
        options.ExpireTimeSpan = enrolment ? TimeSpan.FromMinutes(10) : console.IdleTimeout;
        options.SlidingExpiration = !enrolment;
        options.Events.OnValidatePrincipal = context => ValidateAsync(context, enrolment);
    }

    private static Task SignInAsync(HttpContext context, UserEntity user, string scheme)
    {
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.Name),
            new(StampClaim, Stamp(user, scheme == EnrolScheme)),
            new(SignedInClaim, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ];
        if (user.IsAdmin && scheme == Scheme)
        {
            claims.Add(new Claim(ClaimTypes.Role, AdminRole));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
        return context.SignInAsync(scheme, principal, new AuthenticationProperties { IsPersistent = false });
    }

    /// <summary>
    /// Changes when the password or the TOTP secret does, so either change ends old sign-ins. An
    /// enrolment depends on the password only: it replaces the secret itself.
    /// </summary>
    private static string Stamp(UserEntity user, bool enrolment) => Convert.ToHexString(
        SHA256.HashData(Encoding.UTF8.GetBytes(enrolment ? $"{user.PasswordHash}" : $"{user.PasswordHash}\n{user.ProtectedTotpSecret}")), 0, 16);

    private static async Task ValidateAsync(CookieValidatePrincipalContext context, bool enrolment)
    {
        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var lifetime = services.GetRequiredService<IOptions<ConsoleOptions>>().Value.AbsoluteLifetime;
        var principal = context.Principal!;
        var id = int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
        var user = await services.GetRequiredService<ControllerDbContext>().Users.AsNoTracking()
            .FirstOrDefaultAsync(u => u.Id == id, context.HttpContext.RequestAborted);
        var reason = user is null ? "the account no longer exists"
            : !user.Enabled ? "the account is disabled"
            : Stamp(user, enrolment) != principal.FindFirstValue(StampClaim) ? "its password or one-time code changed"
            : enrolment ? (user.MfaEnrolled ? "the one-time code is already enrolled" : null)
            : !user.MfaEnrolled ? "its one-time code was reset"
            : user.IsAdmin != IsAdmin(principal) ? "its admin role changed"
            : !long.TryParse(principal.FindFirstValue(SignedInClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var signedIn)
                || now - DateTimeOffset.FromUnixTimeSeconds(signedIn) > lifetime ? "the sign-in is older than Console:AbsoluteLifetime"
            : null;
        if (reason is not null)
        {
            Log.SessionEnded(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsoleAuth)), principal.Identity?.Name ?? "?", reason);
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.ConsoleSessionEnded, LogLevel.Information, "Browser sign-in of {User} ended: {Reason}.")]
        public static partial void SessionEnded(ILogger logger, string user, string reason);
    }
}

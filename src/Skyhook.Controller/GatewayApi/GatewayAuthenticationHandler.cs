using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.GatewayApi;

/// <summary>
/// <c>Authorization: Bearer CREDENTIAL</c> with a gateway credential from enrolment, for
/// <c>/api/v1/gateway/*</c> only. Separate from the admins' scheme in both directions: an admin's API
/// token is not a gateway credential, and the fallback policy (admins) never consults this scheme.
/// </summary>
internal sealed class GatewayAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ControllerDbContext db) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Gateway";
    public const string PolicyName = "Gateway";
    public const string GatewayIdClaim = "skyhook:gateway";

    public static int GatewayId(HttpContext context) =>
        int.Parse(context.User.FindFirstValue(GatewayIdClaim)!, NumberStyles.None, CultureInfo.InvariantCulture);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var credential = header["Bearer ".Length..].Trim();
        if (credential.Length is 0 or > 200)
        {
            return AuthenticateResult.Fail("Malformed bearer credential.");
        }

        // Looked up by SHA-256: the comparison happens on a hash, in the index, not on the secret.
        var hash = Secrets.Hash(credential);
        var found = await db.Gateways.AsNoTracking()
            .Where(g => g.CredentialHash == hash)
            .Select(g => new { g.Id, g.Name })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked gateway credential.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, "gateway " + found.Name),
                new Claim(GatewayIdClaim, found.Id.ToString(CultureInfo.InvariantCulture)),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}

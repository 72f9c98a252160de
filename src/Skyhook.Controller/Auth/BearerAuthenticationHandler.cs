using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Auth;

/// <summary>
/// <c>Authorization: Bearer TOKEN</c> with an API token: valid while the token exists and its user
/// is an enabled admin. The token is looked up by its SHA-256 hash, so the lookup reveals nothing.
/// </summary>
internal sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ControllerDbContext db) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 200)
        {
            return AuthenticateResult.Fail("Malformed bearer token.");
        }

        var hash = Secrets.Hash(token);
        var found = await db.ApiTokens.AsNoTracking()
            .Where(t => t.Hash == hash)
            .Select(t => new { t.Id, t.UserId, t.User!.Name, t.User.Enabled, t.User.IsAdmin })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null || !found.Enabled || !found.IsAdmin)
        {
            return AuthenticateResult.Fail("Unknown, revoked or disabled token.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, found.Name),
                new Claim(ClaimTypes.NameIdentifier, found.UserId.ToString(CultureInfo.InvariantCulture)),
                new Claim(Caller.TokenIdClaim, found.Id.ToString(CultureInfo.InvariantCulture)),
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

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
    ControllerDbContext db) : HashedBearerHandler(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<IReadOnlyList<Claim>?> FindAsync(byte[] hash, CancellationToken cancellationToken)
    {
        var found = await db.ApiTokens.AsNoTracking()
            .Where(t => t.Hash == hash)
            .Select(t => new { t.Id, t.UserId, t.User!.Name, t.User.Enabled, t.User.IsAdmin })
            .FirstOrDefaultAsync(cancellationToken);
        return found is not { Enabled: true, IsAdmin: true }
            ? null
            :
            [
                new Claim(ClaimTypes.Name, found.Name),
                new Claim(ClaimTypes.NameIdentifier, found.UserId.ToString(CultureInfo.InvariantCulture)),
                new Claim(Caller.TokenIdClaim, found.Id.ToString(CultureInfo.InvariantCulture)),
            ];
    }
}

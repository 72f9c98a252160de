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
    ControllerDbContext db) : HashedBearerHandler(options, logger, encoder)
{
    public const string SchemeName = "Gateway";
    public const string PolicyName = "Gateway";
    public const string GatewayIdClaim = "skyhook:gateway";

    public static int GatewayId(HttpContext context) =>
        int.Parse(context.User.FindFirstValue(GatewayIdClaim)!, NumberStyles.None, CultureInfo.InvariantCulture);

    protected override async Task<IReadOnlyList<Claim>?> FindAsync(byte[] hash, CancellationToken cancellationToken)
    {
        var found = await db.Gateways.AsNoTracking()
            .Where(g => g.CredentialHash == hash)
            .Select(g => new { g.Id, g.Name })
            .FirstOrDefaultAsync(cancellationToken);
        return found is null
            ? null
            :
            [
                new Claim(ClaimTypes.Name, "gateway " + found.Name),
                new Claim(GatewayIdClaim, found.Id.ToString(CultureInfo.InvariantCulture)),
            ];
    }
}

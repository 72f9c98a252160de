using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Skyhook.Controller.Auth;

/// <summary>
/// What the two bearer schemes share (admins' API tokens, gateways' credentials): the header, a
/// length bound, the lookup by SHA-256 (the comparison happens on a hash, in the index, never on the
/// secret), and a bare 401 challenge. Each scheme only says whose secret a hash is.
/// </summary>
internal abstract class HashedBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Prefix = "Bearer ";
    private const int MaxSecretLength = 200;

    /// <summary>The claims of the holder of the secret with this hash, or null when none may use this scheme.</summary>
    protected abstract Task<IReadOnlyList<Claim>?> FindAsync(byte[] hash, CancellationToken cancellationToken);

    protected sealed override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var secret = header[Prefix.Length..].Trim();
        if (secret.Length is 0 or > MaxSecretLength)
        {
            return AuthenticateResult.Fail("Malformed bearer secret.");
        }

        var claims = await FindAsync(Secrets.Hash(secret), Context.RequestAborted);
        if (claims is null)
        {
            return AuthenticateResult.Fail($"Unknown, revoked or disabled {Scheme.Name} secret.");
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected sealed override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}

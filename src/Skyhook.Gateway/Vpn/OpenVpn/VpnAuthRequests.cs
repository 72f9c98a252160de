using System.Diagnostics.CodeAnalysis;
using System.Net;
using Skyhook.Core.Contracts;
using Skyhook.Core.Identity;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>Builds the controller's login question from a CONNECT or REAUTH notification.</summary>
public static class VpnAuthRequests
{
    /// <summary>
    /// The request for this login, or false with a reason fit for <c>client-deny</c> (it quotes
    /// nothing the client sent) when the user name is not a valid <see cref="UserName"/> or the
    /// password field is neither an SCRV1 answer nor a token candidate.
    /// </summary>
    public static bool TryCreate(ClientAuthentication authentication, [NotNullWhen(true)] out VpnAuthRequest? request, [NotNullWhen(false)] out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        request = null;
        var environment = authentication.Environment;
        // With username-as-common-name both are the typed user name; "username" is the original.
        if (!UserName.TryParse(environment.UserName ?? environment.CommonName, out var user, out _))
        {
            refusal = "the user name is not valid";
            return false;
        }
        if (!ClientCredentials.TryRead(environment.Password, out var credentials, out refusal))
        {
            return false;
        }
        var version = environment.ClientVersion is { Length: <= 64 } v && v.All(c => c is > ' ' and <= '~') ? v : null;
        request = new VpnAuthRequest(
            user.Value,
            credentials.Password,
            credentials.Code,
            credentials.SessionToken,
            environment.UntrustedIp is { } ip && IPAddress.TryParse(ip, out var address) ? address.ToString() : "",
            version);
        return true;
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Skyhook.Controller.Pki;

namespace Skyhook.Controller.GatewayApi;

/// <summary>
/// VPN session tokens: <c>skyhook_st_PAYLOAD.MAC</c>, the payload naming user, group, expiry and a
/// random id, the MAC an HMAC-SHA256 under a key every replica shares (<see cref="ControllerKeys"/>),
/// so any gateway of the group, through any replica, accepts a reconnect without a new code until
/// the session lifetime ends. Nothing is stored per session.
/// </summary>
public sealed class SessionTokens(ControllerKeys keys)
{
    public const string Prefix = "skyhook_st_";
    private const string Version = "v1";

    /// <summary>A new session's token and its id (the token's random part, 32 hex digits; not a secret).</summary>
    public async Task<(string Token, string Id)> IssueAsync(string user, string group, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var payload = Encoding.UTF8.GetBytes(string.Join(
            '\n',
            Version,
            user,
            group,
            expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            id));
        var mac = HMACSHA256.HashData(await keys.SessionKeyAsync(cancellationToken), payload);
        return (Prefix + WebEncoders.Base64UrlEncode(payload) + "." + WebEncoders.Base64UrlEncode(mac), id);
    }

    /// <summary>The token's claims when its MAC verifies (compared in constant time), else null. Expiry is the caller's to check.</summary>
    public async Task<SessionClaims?> ReadAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length > 1000 || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = token[Prefix.Length..].Split('.');
        if (parts.Length != 2)
        {
            return null;
        }

        byte[] payload;
        byte[] mac;
        try
        {
            payload = WebEncoders.Base64UrlDecode(parts[0]);
            mac = WebEncoders.Base64UrlDecode(parts[1]);
        }
        catch (FormatException)
        {
            return null;
        }

        var expected = HMACSHA256.HashData(await keys.SessionKeyAsync(cancellationToken), payload);
        if (!CryptographicOperations.FixedTimeEquals(expected, mac))
        {
            return null;
        }

        var fields = Encoding.UTF8.GetString(payload).Split('\n');
        return fields.Length == 5 && fields[0] == Version
            && long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            ? new SessionClaims(fields[1], fields[2], DateTimeOffset.FromUnixTimeSeconds(expires), fields[4])
            : null;
    }
}

public sealed record SessionClaims(string User, string Group, DateTimeOffset ExpiresAt, string Id);
